# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.naive` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-2-cnn.ipynb#8ffd9694
"""逐元素照公式计算的卷积与最大池化：慢，但每一行都能和公式对上。只用于教学和核对向量化版本。"""

import numpy as np

from lesson_utils.nn.windows import conv_arguments, output_size, pool_arguments
from lesson_utils.validation import check_shapes


def conv2d_naive_forward(x, W, b, stride=1, padding=0):
    """四重循环 (n, f, i, j)，每次算一个窗口与一个滤波器的逐元素乘积之和。"""
    stride, padding, (H_out, W_out) = conv_arguments(
        "conv2d_naive_forward", x, W, b, stride, padding
    )
    (sh, sw), (ph, pw) = stride, padding
    N, (n_filters, _, kh, kw) = x.shape[0], W.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, n_filters, H_out, W_out), dtype=x.dtype)
    for n in range(N):
        for f in range(n_filters):
            for i in range(H_out):
                for j in range(W_out):
                    # 窗口跨所有输入通道：(C, kh, kw)
                    window = x_pad[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    cache = (x_pad, W, stride, padding)
    return out, cache


def conv2d_naive_backward(dout, cache):
    """同样的四重循环，把 out[n, f, i, j] 的梯度按“谁参与了它的计算”分给窗口和滤波器。"""
    x_pad, W, (sh, sw), (ph, pw) = cache
    N, C, Hp, Wp = x_pad.shape
    n_filters, _, kh, kw = W.shape
    out_size = output_size(
        "conv2d_naive_backward", (Hp, Wp), (kh, kw), (sh, sw), (0, 0)
    )
    check_shapes("conv2d_naive_backward", dout=(dout, (N, n_filters, *out_size)))
    dx_pad = np.zeros_like(x_pad)
    dW = np.zeros_like(W)
    db = np.zeros(n_filters, dtype=W.dtype)
    for n in range(N):
        for f in range(n_filters):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows = slice(i * sh, i * sh + kh)
                    cols = slice(j * sw, j * sw + kw)
                    dW[f] += dout[n, f, i, j] * x_pad[n, :, rows, cols]
                    dx_pad[n, :, rows, cols] += dout[n, f, i, j] * W[f]
                    db[f] += dout[n, f, i, j]
    dx = dx_pad[:, :, ph : Hp - ph, pw : Wp - pw]
    return dx, dW, db


def max_pool2d_naive_forward(x, kernel_size, stride=None):
    """四重循环 (n, c, i, j)：取窗口最大值，并记下它在窗口里的位置。"""
    kernel, stride, (H_out, W_out) = pool_arguments(
        "max_pool2d_naive_forward", x, kernel_size, stride
    )
    (kh, kw), (sh, sw) = kernel, stride
    N, C = x.shape[:2]
    out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
    argmax = np.zeros((N, C, H_out, W_out, 2), dtype=int)  # 最大值在输入中的行、列
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    out[n, c, i, j] = window[a, b]
                    argmax[n, c, i, j] = (i * sh + a, j * sw + b)
    cache = (x.shape, argmax)
    return out, cache


def max_pool2d_naive_backward(dout, cache):
    """每个输出的梯度只交给它的最大值所在的那个像素；重叠的窗口可能把梯度交给同一个像素。"""
    x_shape, argmax = cache
    check_shapes("max_pool2d_naive_backward", dout=(dout, argmax.shape[:4]))
    dx = np.zeros(x_shape, dtype=dout.dtype)
    N, C, H_out, W_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    row, col = argmax[n, c, i, j]
                    dx[n, c, row, col] += dout[n, c, i, j]
    return dx
