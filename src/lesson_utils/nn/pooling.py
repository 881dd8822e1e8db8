# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.pooling` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-2-cnn.ipynb#10a32f52
"""最大池化与平均池化，约定与 F.max_pool2d、F.avg_pool2d 相同（无补零；stride 默认等于窗口）。

两者都写成“对窗口内的 kh·kw 个偏移循环、每次处理所有窗口”：循环次数很少，每次都是整块的数组运算。
"""

import numpy as np

from lesson_utils.nn.windows import offset_slices, output_size, pool_arguments
from lesson_utils.validation import check_shapes


def max_pool2d_forward(x, kernel_size, stride=None):
    """out[n, c, i, j] = 窗口 (i, j) 里的最大值。

    x: (N, C, H, W)  →  out: (N, C, H_out, W_out)，cache = (x, out, kernel, stride)
    """
    kernel, stride, out_size = pool_arguments(
        "max_pool2d_forward", x, kernel_size, stride
    )
    # 从 −∞ 开始，逐个偏移取较大者
    out = np.full((*x.shape[:2], *out_size), -np.inf, dtype=x.dtype)
    for _, _, pixels in offset_slices(kernel, stride, out_size):
        np.maximum(out, x[pixels], out=out)
    cache = (x, out, kernel, stride)
    return out, cache


def max_pool2d_backward(dout, cache):
    """梯度只流向每个窗口的最大值（并列时给扫描顺序中的第一个，与 PyTorch 相同）；
    窗口重叠时，一个像素可能从几个窗口各收到一份。"""
    x, out, kernel, stride = cache
    check_shapes("max_pool2d_backward", dout=(dout, out.shape), x=(x, x.shape))
    dx = np.zeros_like(x)
    routed = np.zeros(out.shape, dtype=bool)  # 这个窗口的梯度是否已经给出去了
    # 下面两个缓冲区每轮复用，省去反复分配内存
    is_max = np.empty(out.shape, dtype=bool)
    share = np.empty_like(dout)
    for _, _, pixels in offset_slices(kernel, stride, out.shape[2:]):
        np.equal(x[pixels], out, out=is_max)  # 这个偏移上的元素是不是窗口的最大值
        is_max &= ~routed
        routed |= is_max
        np.multiply(dout, is_max, out=share)
        dx[pixels] += share
    return dx


def avg_pool2d_forward(x, kernel_size, stride=None):
    """out[n, c, i, j] = 窗口 (i, j) 的平均值。x: (N, C, H, W) → out: (N, C, H_out, W_out)"""
    kernel, stride, out_size = pool_arguments(
        "avg_pool2d_forward", x, kernel_size, stride
    )
    total = np.zeros((*x.shape[:2], *out_size), dtype=x.dtype)
    for _, _, pixels in offset_slices(kernel, stride, out_size):
        total += x[pixels]
    out = total / (kernel[0] * kernel[1])
    cache = (x.shape, kernel, stride)
    return out, cache


def avg_pool2d_backward(dout, cache):
    """窗口里每个像素对平均值的贡献都是 1/(kh·kw)，梯度就平均分回去。"""
    x_shape, kernel, stride = cache
    N, C, H, W = x_shape
    out_size = output_size("avg_pool2d_backward", (H, W), kernel, stride, (0, 0))
    check_shapes("avg_pool2d_backward", dout=(dout, (N, C, *out_size)))
    share = dout / (kernel[0] * kernel[1])
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for _, _, pixels in offset_slices(kernel, stride, out_size):
        dx[pixels] += share
    return dx
