"""在学生内核里运行的一小段（make grade）：按名字调用学生的函数，把结果编码后写回评分进程。

这个文件原样复制进每份提交的沙箱（见 book_tools.sandbox），只依赖标准库、NumPy 和
lesson_utils.feedback。沙箱里的一切都可能被学生的代码改掉，所以评分进程**不信任**这里给出的
任何判断：结果由评分进程自己的检查器逐项对照，借用参考实现的检查也先在评分进程里静态地做一遍
（book_tools.grade.static_verdict）；这里的 ``borrowed_reference`` 回答只会让分数更低，不会更高。
"""

import base64
import io
import json
from pathlib import Path

import numpy as np

# 在模块顶部导入（它会导入 torch，要几秒）：评分进程先单独执行 import grade_worker，
# 这几秒不算进每次调用学生函数的时间限制
from lesson_utils.feedback import borrowed_reference, describe_error


class Handle:
    """学生内核里一个不能按数组传回的对象（例如 cache）；评分进程只拿着它的编号，原样传回。"""

    def __init__(self, number, kind):
        self.number, self.kind = number, kind

    def __repr__(self):
        return f"<学生内核里的 {self.kind} 对象>"


def encode(value, keep=None):
    """Python 值 → 可 JSON 化的树。数组存成 .npy（不含 pickle）；其他对象交给 keep 换成句柄编号。"""
    if isinstance(value, Handle):
        return {"t": "handle", "n": value.number, "kind": value.kind}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, str):  # 例如 generator_loss_and_grads 的 loss="minimax"
        return {"t": "str", "v": value}
    if isinstance(value, (int, float, np.integer, np.floating)) or value is None:
        number = value.item() if isinstance(value, np.generic) else value
        return {"t": "number", "v": number}
    if isinstance(value, np.ndarray) and value.dtype != object:
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"t": "array", "npy": base64.b64encode(buffer.getvalue()).decode()}
    if isinstance(value, (tuple, list)):
        return {"t": "tuple", "items": [encode(v, keep) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"t": "dict", "items": {k: encode(v, keep) for k, v in value.items()}}
    if keep is None:
        raise TypeError(f"encode: 不能传送 {type(value).__name__}")
    return {"t": "handle", "n": keep(value), "kind": type(value).__name__}


def decode(tree, resolve=None):
    """encode 的逆；句柄在学生内核里由 resolve 换回原对象，在评分进程里成为 Handle。"""
    kind = tree["t"]
    if kind in ("bool", "number", "str"):
        return tree["v"]
    if kind == "array":
        return np.load(io.BytesIO(base64.b64decode(tree["npy"])), allow_pickle=False)
    if kind == "tuple":
        return tuple(decode(v, resolve) for v in tree["items"])
    if kind == "dict":
        return {k: decode(v, resolve) for k, v in tree["items"].items()}
    if kind == "handle":
        return resolve(tree["n"]) if resolve else Handle(tree["n"], tree["kind"])
    raise ValueError(f"decode: 未知的类型 {kind!r}")


# ---------------------------------------------------------------- 在学生内核里运行的一小段
_HANDLES = []


def serve(request_path, response_path):
    """（在学生的内核里运行）按名字调用学生的函数，把结果编码写回。"""
    from IPython import get_ipython

    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    namespace = get_ipython().user_ns

    def keep(obj):
        _HANDLES.append(obj)
        return len(_HANDLES) - 1

    name = request["function"]
    function = namespace.get(name)
    if request.get("probe"):
        # 只问是不是直接拿来的参考实现：评分前每个函数都问一遍，与 check() 一样整题记 0
        response = {"borrowed": borrowed_reference(function) if callable(function) else None}
    elif not callable(function):
        response = {"error": f"没有找到函数 {name}（定义它的单元没有运行成功，或者被删掉了）。"}
    elif borrowed_reference(function):
        response = {"error": borrowed_reference(function)}
    else:
        try:
            args = decode(request["args"], _HANDLES.__getitem__)
            kwargs = decode(request["kwargs"], _HANDLES.__getitem__)
            response = {"ok": encode(function(*args, **kwargs), keep)}
        except Exception as error:  # noqa: BLE001 —— 学生代码的错误变成中文描述送回评分进程
            response = {"error": describe_error(error)}
    Path(response_path).write_text(json.dumps(response), encoding="utf-8")
