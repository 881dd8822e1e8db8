"""检查器的反馈引擎：逐项判定 (名字, 学生的结果, 参考结果)，写出中文反馈。

与具体的练习无关（练习与它们的检查器在 lesson_utils.exercises）：形状错了就说形状，数值错了就说
差多少、在哪个位置，常见的错误（差一个常数倍、差一个负号、差一个转置、漏掉一项、上溢）给出提示，
但不透露答案；学生代码抛出的异常变成一句指向学生那一行的中文说明。
"""

import inspect
import sysconfig
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lesson_utils.compare import compare, to_numpy


@dataclass(frozen=True)
class CheckResult:
    """一次检查的结果：逐项对照里通过了几项（``passed_items`` / ``total_items``）和中文反馈。

    可以当布尔值用（``if check(...):``，全部通过时为真）；``score`` 是 0 到 1 之间的得分。
    作为笔记本单元的最后一个表达式时不再多显示一行——反馈已经打印过了。
    """

    exercise_id: str
    passed_items: int
    total_items: int
    feedback: str
    status: str  # "全部正确" / "部分正确" / "不正确"（一项也没对） / "未完成" / "出错"

    @property
    def score(self):
        return self.passed_items / self.total_items

    def __bool__(self):
        return self.passed_items == self.total_items

    def _ipython_display_(self):
        pass


def zero_hint(ours, reference):
    if not np.any(ours) and np.any(np.abs(reference) > 1e-12):
        return "\n    提示：你的结果全是 0——像是漏掉了这一项（直接写成了 0），而不是差一个常数倍。"
    return ""


def nonfinite_hint(ours, reference):
    if np.all(np.isfinite(ours)) or not np.all(np.isfinite(reference)):
        return ""
    return (
        "\n    提示：你的结果里有 inf 或 nan，正确值都是有限的——多半是 exp 上溢或 log(0)，"
        "换成数值稳定的写法（本节推导过）。"
    )


def factor_hint(ours, reference):
    nonzero = np.abs(reference) > 1e-12
    if nonzero.sum() < 2:
        return ""  # 只有一个数时，任何两个数都“差一个常数倍”，这个提示没有信息
    ratios = ours[nonzero] / reference[nonzero]
    ratio = ratios[0]
    if np.isclose(ratio, 0.0) or np.isclose(ratio, 1.0):
        return ""  # 全是 0 由 zero_hint 说明
    if not np.allclose(ratios, ratio, rtol=1e-6):
        return ""
    if np.isclose(ratio, -1.0):
        return "\n    提示：你的结果处处与正确值差一个负号。"
    return f"\n    提示：你的结果处处是正确值的 {ratio:.4g} 倍——检查求平均 / 求和或某个常数因子。"


def transpose_hint(ours, reference):
    """方阵（或前两个轴等长的 4 维权重）转置后形状不变，只能从数值上认出来。"""
    if ours.ndim < 2 or ours.shape[0] != ours.shape[1]:
        return ""
    if np.allclose(ours, reference.swapaxes(0, 1)):
        what = "转置" if ours.ndim == 2 else "前两个轴对调（输出与输入通道互换）"
        return f"\n    提示：你的结果正好是正确值的{what}——形状相同，所以只能从数值上看出来。"
    return ""


def shape_hint(ours_shape, reference_shape):
    """形状不符时的提示（任何维数都可以，包括 0 维与 1 维的参考值）。"""
    ours_shape, reference_shape = tuple(ours_shape), tuple(reference_shape)
    if ours_shape == reference_shape:
        return ""
    if len(reference_shape) >= 2 and len(ours_shape) == len(reference_shape):
        swapped = (reference_shape[1], reference_shape[0], *reference_shape[2:])
        if ours_shape == swapped:
            return "（像是转置了：前两个轴对调）"
    squeezed = tuple(n for n in ours_shape if n != 1)
    if squeezed == tuple(n for n in reference_shape if n != 1):
        return "（只差长度为 1 的轴：检查 keepdims=True 或多余的 reshape）"
    return ""


REAL_KINDS = "fiu"  # 浮点、有符号与无符号整数；复数、布尔、字符串、对象都不是“数值结果”


def diagnose(name, ours, reference):
    """一项不通过时，说明哪里不对（不透露答案）。通过时返回 None。

    先看类型、dtype 和形状，再比数值：复数、字符串、布尔这样的 dtype 一律不通过
    （``astype(float64)`` 会悄悄丢掉虚部）；float32 的结果按本书约定（float64）不通过，
    反馈说明问题出在精度上。
    """
    reference = to_numpy(reference)
    if ours is None:
        return f"{name}：你的函数没有给出这一项（得到 None）。"
    if np.isscalar(ours):
        ours = np.asarray(ours)
    if not isinstance(ours, np.ndarray):
        return f"{name}：应为 NumPy 数组，你的是 {type(ours).__name__}。"
    if ours.dtype.kind not in REAL_KINDS:
        return f"{name}：应为实数（float64）数组，你的 dtype 是 {ours.dtype}。"
    if ours.shape != reference.shape:
        hint = shape_hint(ours.shape, reference.shape)
        return f"{name}：形状应为 {reference.shape}，你的是 {ours.shape}{hint}。"
    row = compare(name, ours, reference)
    if row.passed:
        return None
    low_precision = ours.dtype.kind == "f" and ours.dtype.itemsize < 8
    if low_precision and compare(name, ours, reference, atol=1e-6, rtol=1e-5).passed:
        return (
            f"{name}：数值只在 {ours.dtype} 的精度内一致（最大绝对误差 {row.max_abs:.2e}）。"
            "本书的层都用 float64 计算——检查哪一步把数组变成了 "
            f"{ours.dtype}（例如 np.zeros(..., dtype=np.{ours.dtype}) 或 astype）。"
        )
    ours = ours.astype(np.float64)
    where = np.unravel_index(np.argmax(np.abs(ours - reference)), reference.shape)
    message = (
        f"{name}：数值不对，最大绝对误差 {row.max_abs:.2e}，"
        f"例如位置 {tuple(int(i) for i in where)} 应为 {reference[where]:.6g}，"
        f"你的是 {ours[where]:.6g}。"
    )
    hints = (nonfinite_hint, zero_hint, transpose_hint, factor_hint)
    return message + next((h for h in (hint(ours, reference) for hint in hints) if h), "")


def judge(name, ours, reference):
    """diagnose，但判定本身出错时这一项不通过（不能因为检查器的异常白给一分）。"""
    try:
        return diagnose(name, ours, reference)
    except Exception as error:  # noqa: BLE001 —— 任何意外都判为不通过，并如实说明
        return f"{name}：无法判定这一项（{type(error).__name__}: {error}），这一项不计分。"


LIBRARY_DIRS = tuple(
    str(Path(sysconfig.get_paths()[key]).resolve()) for key in ("stdlib", "purelib", "platlib")
) + (str(Path(__file__).resolve().parent),)


def student_frame(error):
    """回溯里最后一个不属于 lesson_utils、标准库或第三方库的帧，即学生自己的那一行。"""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if not str(Path(f.filename).resolve()).startswith(LIBRARY_DIRS)
    ]
    return frames[-1] if frames else None


def describe_error(error):
    """学生函数抛出的异常 → 一句中文，指出出错的是学生代码的哪一行。"""
    if isinstance(error, StudentCodeError):
        return str(error)  # 已经在学生的内核里描述好了（make grade 的批改进程）
    frame = student_frame(error)
    where = ""
    if frame is not None:
        line = (frame.line or "").strip()
        where = f"\n    出错的是你的 {frame.name} 的第 {frame.lineno} 行：{line}"
    if isinstance(error, NotImplementedError):
        name = f" {frame.name}" if frame is not None else ""
        return f"还没有完成：你的函数{name} 里还有 raise NotImplementedError()。"
    return f"运行你的函数时出错——{type(error).__name__}: {error}{where}"


class StudentCodeError(Exception):
    """在另一个进程（学生的内核）里运行学生函数时出的错，消息已是中文描述。"""


def borrowed_reference(function):
    """function 是不是直接拿来的 lesson_utils 参考实现；是就返回一句中文说明，否则返回 None。

    只认得直接 import 进来的函数：学生自己写一个包装去调用参考实现，这里看不出来。
    批改时 function 是学生内核里那个函数的代理，它自己回答（在学生的内核里做同样的判断）。
    """
    ask = getattr(function, "borrowed_reference", None)
    if callable(ask):
        return ask()
    module = getattr(function, "__module__", None) or ""
    if inspect.isfunction(function) and module.startswith("lesson_utils."):
        return (
            f"{function.__name__} 是本书 {module} 里现成的实现，不是你写的——"
            "这道题要在笔记本里自己实现它，不计分。"
        )
    return None


def run_items(exercise_id, header, item_names, items):
    """逐项取出 (名字, 学生的结果, 参考结果) 并判定。
    中途出错时，已交出的项照常判定，其余记为未通过。"""
    problems, done, error = [], 0, None
    iterator = iter(items)
    while True:
        try:
            item = next(iterator)  # 这一步运行学生的函数
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 —— 学生代码里的任何错误都要变成反馈，而不是一长串回溯
            error = exc
            break
        done += 1
        problem = judge(*item)
        if problem is not None:
            problems.append(problem)
    total = len(item_names)
    passed = done - len(problems)
    lines = []
    if error is None and not problems:
        status = "全部正确"
        lines.append(f"{header}：全部 {total} 项与 PyTorch 一致。")
    else:
        unfinished = isinstance(error, NotImplementedError) or (
            isinstance(error, StudentCodeError) and "NotImplementedError" in str(error)
        )
        if unfinished:
            status = "未完成"
        elif error is not None:
            status = "出错"
        else:
            status = "部分正确" if passed else "不正确"
        lines.append(f"{header}：{passed}/{total} 项正确。")
        lines += ["  ✗ " + p for p in problems]
        if error is not None:
            skipped = "、".join(item_names[done:]) if done < total else ""
            lines.append("  ✗ " + describe_error(error))
            if skipped:
                lines.append(f"    因此没有检查：{skipped}。写好之后重新运行这个单元。")
    return CheckResult(exercise_id, passed, total, "\n".join(lines), status)
