"""批改一批学生提交的笔记本：``make grade SUBMISSIONS=目录``（``python -m book_tools.grade``）。

每份提交在一个新内核里从头运行（有时间限制）。得分不看输出、也不信任笔记本里定义的任何东西：
运行完后，检查器在**评分进程自己**里运行（它自己的 torch、它自己的 CheckResult），学生的函数则留在
学生的内核里，由代理按名字远程调用——检查器交给它的只是数组，拿回来的也只是数组（``.npy``，
不允许 pickle）或一个不透明的句柄。所以学生重新定义 ``check``、改 CheckResult、改 lesson_utils，
都只影响自己内核里的显示，改不了成绩。

写出 ``grades.csv``（每份提交一行，以文件名为学生名；每道练习一列，得分是通过的项数 / 总项数，
0 到 1 之间的小数；``合计`` 是各题得分的平均）和每个学生一份中文反馈 ``<学生>.txt``。
"""

import argparse
import base64
import csv
import io
import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np
from jupyter_client import KernelManager

from book_tools.markers import checked_ids
from lesson_utils import exercises
from lesson_utils.exercises import EXERCISES, evaluate
from lesson_utils.feedback import CheckResult, StudentCodeError


# ---------------------------------------------------------------- 数据在两个进程之间的编码
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

    from lesson_utils.feedback import borrowed_reference, describe_error

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


# ---------------------------------------------------------------- 内核
class Kernel:
    """一个新的 Python 内核，逐段执行代码，超时就中断。"""

    def __init__(self, cwd):
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=str(cwd))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.dead = False

    def run(self, code, timeout):
        """执行 code，返回 (状态, 说明)；状态是 ok、error（说明是异常）、timeout 或 dead。"""
        if self.dead:
            return "dead", "内核已经不能运行了"
        msg_id = self.client.execute(code, store_history=False, allow_stdin=False)
        deadline = time.monotonic() + timeout
        status, detail = self._wait(msg_id, deadline)
        if status == "timeout":
            self.manager.interrupt_kernel()
            if self._wait(msg_id, time.monotonic() + 10)[0] == "timeout":
                self.dead = True  # 中断也停不下来（例如学生的代码吞掉了 KeyboardInterrupt）
        return status, detail

    def _wait(self, msg_id, deadline):
        error = None
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout", ""
            if not self.manager.is_alive():
                self.dead = True
                return "dead", "内核退出了（学生的代码结束了进程或耗尽了内存）"
            try:
                message = self.client.get_iopub_msg(timeout=min(remaining, 1.0))
            except Exception:  # noqa: BLE001 —— queue.Empty：再等
                continue
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "status" and content["execution_state"] == "idle":
                return ("error", error) if error else ("ok", "")

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


class RemoteFunction:
    """评分进程里的代理：调用它 = 在学生内核里按名字调用学生的函数。"""

    def __init__(self, kernel, name, workdir, timeout):
        self.kernel, self.name, self.workdir, self.timeout = kernel, name, workdir, timeout
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        reply = self._ask({"function": self.name, "args": encode(args), "kwargs": encode(kwargs)})
        if "error" in reply:
            raise StudentCodeError(reply["error"])
        return decode(reply["ok"])

    def borrowed_reference(self):
        """学生内核里的这个函数是不是直接 import 的参考实现（feedback.borrowed_reference 问它）。"""
        return self._ask({"function": self.name, "probe": True}).get("borrowed")

    def _ask(self, message):
        request = self.workdir / "request.json"
        response = self.workdir / "response.json"
        response.unlink(missing_ok=True)
        request.write_text(json.dumps(message), encoding="utf-8")
        code = (
            f"import book_tools.grade as _grade\n_grade.serve({str(request)!r}, {str(response)!r})"
        )
        status, detail = self.kernel.run(code, self.timeout)
        if status == "timeout":
            raise StudentCodeError(f"{self.name} 运行超过 {self.timeout:g} 秒，已中断（死循环？）")
        if status != "ok" or not response.exists():
            raise StudentCodeError(f"调用 {self.name} 时内核出了问题：{detail or status}")
        return json.loads(response.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- 批改一份提交
@dataclass
class Grade:
    student: str
    results: dict = field(default_factory=dict)  # 练习编号 → CheckResult
    problems: list = field(default_factory=list)  # 运行笔记本时的问题：(简短说明, 详细说明)

    @property
    def total(self):
        return sum(r.score for r in self.results.values()) / max(len(self.results), 1)


def zero(exercise_id, reason):
    return CheckResult(exercise_id, 0, len(EXERCISES[exercise_id].items), reason, "未评分")


def grade_submission(path, exercise_ids, time_limit=300, call_limit=30):
    """在新内核里运行一份提交，再在本进程里逐题检查。返回 Grade。"""
    grade = Grade(Path(path).stem)
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # noqa: BLE001 —— 坏文件也要得到一行成绩
        grade.problems.append(("读不了", f"读不了这个笔记本：{type(error).__name__}: {error}"))
        grade.results = {i: zero(i, "笔记本无法读取，未评分。") for i in exercise_ids}
        return grade
    present = set(checked_ids(notebook))
    workdir = Path(tempfile.mkdtemp(prefix="grade-"))
    kernel = Kernel(workdir)
    try:
        run_cells(kernel, notebook, grade, time.monotonic() + time_limit, time_limit)
        # 评分用的那一小段先在学生内核里导入好：导入的时间不算进每次调用的时间限制
        kernel.run("import book_tools.grade", 60)
        for exercise_id in exercise_ids:
            if exercise_id not in present:
                grade.results[exercise_id] = zero(
                    exercise_id,
                    f'练习 {exercise_id}：笔记本里没有 check("{exercise_id}", …) 检查单元'
                    "（被删除了？），这道题记 0 分。",
                )
                continue
            names = EXERCISES[exercise_id].functions
            proxies = [RemoteFunction(kernel, n, workdir, call_limit) for n in names]
            grade.results[exercise_id] = evaluate(exercise_id, *proxies)
    finally:
        kernel.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return grade


def run_cells(kernel, notebook, grade, deadline, time_limit):
    """像“重启内核并运行全部单元”一样执行；出错的单元记下来并继续，超时则中断并停止。"""
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    for number, cell in enumerate(code_cells, start=1):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or kernel.dead:
            detail = f"第 {number} 个代码单元起没有运行（时间用完或内核已停止）。"
            grade.problems.append((f"代码单元 {number} 起未运行", detail))
            return
        status, detail = kernel.run(cell.source, remaining)
        first_line = next((line for line in cell.source.split("\n") if line.strip()), "")[:50]
        if status == "error":
            long = f"第 {number} 个代码单元（{first_line}）出错：{detail}"
            grade.problems.append((f"代码单元 {number} 出错", long))
        elif status == "timeout":
            long = (
                f"第 {number} 个代码单元（{first_line}）运行超过时间限制 {time_limit:g} 秒，"
                "已中断；后面的单元没有运行。"
            )
            grade.problems.append((f"代码单元 {number} 超时", long))
            return
        elif status == "dead":
            long = f"第 {number} 个代码单元（{first_line}）：{detail}"
            grade.problems.append((f"代码单元 {number} 内核退出", long))
            return


# ---------------------------------------------------------------- 成绩表与反馈
def score_text(score):
    return f"{score:.3f}".rstrip("0").rstrip(".") if score not in (0, 1) else str(int(score))


def write_csv(grades, exercise_ids, path):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["学生", *exercise_ids, "合计", "说明"])
        for grade in grades:
            notes = "；".join(
                [short for short, _ in grade.problems]
                + [f"{i} {r.status}" for i, r in grade.results.items() if not r]
            )
            scores = [score_text(grade.results[i].score) for i in exercise_ids]
            writer.writerow([grade.student, *scores, score_text(grade.total), notes])


def feedback_text(grade):
    lines = [f"{grade.student} 的批改结果", "", f"合计：{grade.total:.0%}（各题得分的平均）", ""]
    for exercise_id, result in grade.results.items():
        lines.append(
            f"练习 {exercise_id}：{result.passed_items}/{result.total_items} 项正确"
            f"，得分 {score_text(result.score)}（{result.status}）"
        )
        lines += ["    " + line for line in result.feedback.split("\n")]
        lines.append("")
    if grade.problems:
        lines.append("运行笔记本时的问题：")
        lines += ["  - " + long for _, long in grade.problems]
    else:
        lines.append("笔记本从头到尾运行没有出错。")
    return "\n".join(lines) + "\n"


def grade_folder(submissions, out_dir, exercise_ids=None, time_limit=300, call_limit=30):
    """批改 submissions 目录下的每个 .ipynb，写 grades.csv 与反馈，返回 [Grade, ...]。"""
    paths = sorted(Path(submissions).glob("*.ipynb"))
    if not paths:
        raise ValueError(f"grade_folder: {submissions} 里没有 .ipynb 文件")
    if exercise_ids is None:
        exercise_ids = []
        for path in paths:
            try:
                found = checked_ids(nbformat.read(path, as_version=4))
            except Exception:  # noqa: BLE001 —— 坏文件在批改时报告
                found = []
            exercise_ids += [i for i in found if i in EXERCISES and i not in exercise_ids]
    unknown = [i for i in exercise_ids if i not in EXERCISES]
    if unknown:
        raise ValueError(f"grade_folder: 没有这些练习：{unknown}，已有：{list(EXERCISES)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    grades = []
    for path in paths:
        grade = grade_submission(path, exercise_ids, time_limit, call_limit)
        (out_dir / f"{grade.student}.txt").write_text(feedback_text(grade), encoding="utf-8")
        grades.append(grade)
        print(f"{grade.student}：{score_text(grade.total)}", flush=True)
    write_csv(grades, exercise_ids, out_dir / "grades.csv")
    return grades


def main(argv=None):
    parser = argparse.ArgumentParser(description="批改学生提交的笔记本，写成绩表与中文反馈")
    parser.add_argument("submissions", help="放学生 .ipynb 的目录，文件名即学生名")
    parser.add_argument("--out", default="_build/grades", help="输出目录")
    parser.add_argument(
        "--assignment", help="发下去的学生版笔记本：只按它里面的检查单元评分（默认取各提交的并集）"
    )
    parser.add_argument("--time-limit", type=float, default=300, help="每份提交运行的总秒数上限")
    parser.add_argument(
        "--call-limit", type=float, default=30, help="评分时每次调用学生函数的秒数上限"
    )
    parser.add_argument(
        "--seed", type=int, help="“亲手实现各层”作业的隐藏形状用的种子（默认与学生自查时相同）"
    )
    args = parser.parse_args(argv)
    if args.seed is not None:
        exercises.HIDDEN_SEED = args.seed
    ids = None
    if args.assignment:
        assignment = nbformat.read(args.assignment, as_version=4)
        ids = [i for i in checked_ids(assignment) if i in EXERCISES]
    grade_folder(args.submissions, args.out, ids, args.time_limit, args.call_limit)
    print(f"成绩表：{args.out}/grades.csv；每个学生的反馈：{args.out}/<学生>.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
