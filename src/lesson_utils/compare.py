"""把我们的 NumPy 结果与 PyTorch 对照，并打印一张误差表。

约定（见 ARCHITECTURE.md 的“验证约定”）：一律在 float64 下比较；
默认容差 ``|ours - ref| <= atol + rtol * |ref|``，
atol=1e-12、rtol=1e-8。float64 下正确的实现通常相差 1e-15 左右，比 1e-8 更宽的容差会掩盖错误。
"""

import unicodedata
from dataclasses import dataclass

import numpy as np
import torch

DEFAULT_ATOL = 1e-12
DEFAULT_RTOL = 1e-8


def to_numpy(value):
    """torch 张量（任何设备）或数组/标量 → NumPy 数组。"""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def to_torch(x, device="cpu", requires_grad=False):
    """NumPy 数组 → 同 dtype 的 torch 张量；requires_grad=True 时作为自动求导的叶子。"""
    tensor = torch.tensor(np.asarray(x), device=device)
    return tensor.requires_grad_(requires_grad)


@dataclass(frozen=True)
class Comparison:
    """一行对照结果。"""

    name: str
    max_abs: float
    max_rel: float
    passed: bool
    problem: str = ""  # 形状或 dtype 不符时的说明


def compare(name, ours, reference, atol=DEFAULT_ATOL, rtol=DEFAULT_RTOL):
    """逐元素比较 ours 与 reference（都可以是 NumPy 数组或 torch 张量）。

    最大相对误差按 ``|a - b| / max(|a|, |b|, atol)`` 逐元素计算：比 atol 还小的数（例如下溢到
    次正规数的 sigmoid 导数，一边是 5e-324、一边是 0）谈不上相对误差，不让它们把这一列顶到 1。
    """
    a = to_numpy(ours)
    b = to_numpy(reference)
    if a.shape != b.shape:
        return Comparison(name, np.inf, np.inf, False, f"形状不符：{a.shape} 对 {b.shape}")
    if a.size == 0:
        return Comparison(name, 0.0, 0.0, True)
    a64 = np.atleast_1d(a).astype(np.float64)  # 0 维（标量损失）也按数组处理
    b64 = np.atleast_1d(b).astype(np.float64)
    with np.errstate(invalid="ignore"):
        diff = np.abs(a64 - b64)
    diff[a64 == b64] = 0.0  # 同号无穷大相减得 nan，它们其实完全一致
    diff[np.isnan(diff)] = np.inf  # 其余的 nan（一边是 nan，或异号无穷大）算作无穷大的误差
    scale = np.maximum(np.maximum(np.abs(a64), np.abs(b64)), atol)
    with np.errstate(invalid="ignore"):
        rel = diff / scale  # inf / inf（两边都是无穷大但不相等）得 nan，下一行改为 inf
    rel[np.isinf(diff)] = np.inf
    passed = bool(np.isclose(a64, b64, rtol=rtol, atol=atol).all())
    return Comparison(name, float(diff.max()), float(rel.max()), passed)


def display_width(text):
    """终端里的显示宽度：汉字等全角字符占两格。"""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text, width):
    return text + " " * (width - display_width(text))


class VerificationTable:
    """收集若干对照结果，打印成表，并在有失败时抛出 AssertionError。

    用法::

        table = VerificationTable()
        table.check("linear: out", out, out_torch)
        table.check("linear: dW", dW, W_torch.grad)
        table.report()      # 打印表格；有任何一行失败就抛出 AssertionError
    """

    def __init__(self, atol=DEFAULT_ATOL, rtol=DEFAULT_RTOL):
        self.atol = atol
        self.rtol = rtol
        self.rows = []

    def check(self, name, ours, reference, atol=None, rtol=None):
        row = compare(
            name,
            ours,
            reference,
            atol=self.atol if atol is None else atol,
            rtol=self.rtol if rtol is None else rtol,
        )
        self.rows.append(row)
        return row

    def add(self, row):
        """加入一行已有的结果（例如 ``gradcheck.gradient_check`` 的返回值）。"""
        self.rows.append(row)
        return row

    @property
    def failures(self):
        return [row for row in self.rows if not row.passed]

    def format(self):
        width = max([display_width("量")] + [display_width(row.name) for row in self.rows]) + 2
        lines = [pad("量", width) + "  最大绝对误差  最大相对误差  通过"]
        for row in self.rows:
            verdict = "通过" if row.passed else "失败"
            line = f"{pad(row.name, width)}{row.max_abs:>14.1e}{row.max_rel:>14.1e}  {verdict}"
            if row.problem:
                line += f"（{row.problem}）"
            lines.append(line)
        return "\n".join(lines)

    def show(self):
        print(self.format())

    def assert_all_passed(self):
        if self.failures:
            details = "; ".join(
                f"{row.name}: 最大绝对误差 {row.max_abs:.3e}, 最大相对误差 {row.max_rel:.3e}"
                + (f" ({row.problem})" if row.problem else "")
                for row in self.failures
            )
            raise AssertionError(
                f"{len(self.failures)}/{len(self.rows)} 项与参考结果不一致"
                f"（atol={self.atol:g}, rtol={self.rtol:g}）：{details}"
            )

    def report(self):
        self.show()
        self.assert_all_passed()
