# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.windows` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-2-cnn.ipynb#0bde47ce
"""卷积与池化共用的“窗口”工具：参数规整、输出尺寸、取窗口（im2col 的原料）与它的伴随运算。"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from lesson_utils.validation import check_shapes


def as_pair(value, name, func, minimum):
    """把 int 或 (int, int) 规整为 (高, 宽) 两个整数，并检查它们不小于 minimum。"""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise ValueError(
            f"{func}: 参数 {name} 应为整数或两个整数组成的元组，实际是 {value!r}"
        )
    if min(pair) < minimum:
        raise ValueError(
            f"{func}: 参数 {name} 的每一项应 ≥ {minimum}，实际是 {value!r}"
        )
    return int(pair[0]), int(pair[1])


def output_size(func, size, kernel, stride, padding):
    """(H_out, W_out) = ⌊(H + 2p − k) / s⌋ + 1；窗口比补零后的输入还大时报错。"""
    padded = (size[0] + 2 * padding[0], size[1] + 2 * padding[1])
    if kernel[0] > padded[0] or kernel[1] > padded[1]:
        where = (
            f"补零后的输入 {padded}（padding {padding}）"
            if any(padding)
            else f"输入 {padded}"
        )
        raise ValueError(
            f"{func}: 窗口 {kernel} 大于{where}，输入形状的高宽为 {tuple(size)}"
        )
    return tuple((padded[d] - kernel[d]) // stride[d] + 1 for d in range(2))


def conv_arguments(func, x, W, b, stride, padding):
    """卷积的输入检查（朴素版与向量化版共用），返回 (stride, padding, (H_out, W_out))。"""
    check_shapes(
        func,
        x=(x, ("N", "C", "H", "W")),
        W=(W, ("F", "C", "kh", "kw")),
        b=(b, ("F",)),
    )
    stride = as_pair(stride, "stride", func, minimum=1)
    padding = as_pair(padding, "padding", func, minimum=0)
    return (
        stride,
        padding,
        output_size(func, x.shape[2:], W.shape[2:], stride, padding),
    )


def pool_arguments(func, x, kernel_size, stride):
    """池化的输入检查，返回 (kernel, stride, (H_out, W_out))；stride 默认等于窗口。"""
    check_shapes(func, x=(x, ("N", "C", "H", "W")))
    kernel = as_pair(kernel_size, "kernel_size", func, minimum=1)
    stride = kernel if stride is None else as_pair(stride, "stride", func, minimum=1)
    return kernel, stride, output_size(func, x.shape[2:], kernel, stride, (0, 0))


def windows(x, kernel, stride):
    """x: (N, C, H, W) → 只读视图 (N, C, H_out, W_out, kh, kw)，不复制数据。

    [n, c, i, j] 处是输出位置 (i, j) 看到的那个 kh×kw 窗口；相邻窗口在内存里重叠。
    """
    view = sliding_window_view(x, kernel, axis=(2, 3))
    return view[:, :, :: stride[0], :: stride[1]]


def offset_slices(kernel, stride, out_size):
    """对窗口内每个偏移 (a, b)，给出“所有窗口的第 (a, b) 个像素”在输入里的切片。

    x[:, :, rows, cols] 的形状是 (N, C, H_out, W_out)，与 windows(x)[..., a, b] 相同，
    但它是普通切片，可以写入。循环只有 kh·kw 次，每次处理所有窗口。
    """
    for a in range(kernel[0]):
        for b in range(kernel[1]):
            rows = slice(a, a + stride[0] * out_size[0], stride[0])
            cols = slice(b, b + stride[1] * out_size[1], stride[1])
            yield a, b, (slice(None), slice(None), rows, cols)


def add_windows(dwin, out, stride):
    """windows 的伴随（adjoint）：把每个窗口的梯度加回它来自的像素，重叠处相加。

    dwin: (N, C, H_out, W_out, kh, kw)，out: (N, C, H, W)，就地累加到 out 并返回它。
    """
    for a, b, pixels in offset_slices(dwin.shape[4:], stride, dwin.shape[2:4]):
        out[pixels] += dwin[:, :, :, :, a, b]
    return out
