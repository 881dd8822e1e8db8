# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.conv` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-2-cnn.ipynb#b6809e91
"""二维卷积层（实为互相关，cross-correlation），约定与 torch.nn.functional.conv2d 相同。"""

import numpy as np

from lesson_utils.nn.windows import add_windows, conv_arguments, output_size, windows
from lesson_utils.validation import check_shapes

CHUNK = 8  # 每次处理的样本数：分块降低峰值内存（见“速度”一节）


def conv2d_forward(x, W, b, stride=1, padding=0):
    """out[n, f] = Σ_c x_pad[n, c] ⋆ W[f, c] + b[f]，⋆ 为带步幅的互相关。

    x: (N, C, H, W)，W: (F, C, kh, kw)，b: (F,)，stride/padding: int 或 (高, 宽)
    →  out: (N, F, H_out, W_out)，cache 供 conv2d_backward 使用
    """
    stride, padding, (H_out, W_out) = conv_arguments(
        "conv2d_forward", x, W, b, stride, padding
    )
    (ph, pw), n_filters = padding, W.shape[0]
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    W_rows = W.reshape(n_filters, -1)  # (F, C·kh·kw)：每个滤波器展平成一行

    out = np.empty((x.shape[0], n_filters, H_out, W_out), dtype=x.dtype)
    all_cols = []  # 反向传播求 dW 还要用它们；重算也行，但要多花一次 im2col 的时间
    for start in range(0, x.shape[0], CHUNK):
        # (C·kh·kw, n·H_out·W_out)：这一块样本的每个窗口展平成一列
        cols = im2col(x_pad[start : start + CHUNK], W.shape[2:], stride)
        all_cols.append(cols)
        out_rows = W_rows @ cols  # (F, n·H_out·W_out)：整块的卷积就是这一次矩阵乘法
        out_rows += b[:, None]
        out[start : start + CHUNK] = out_rows.reshape(
            n_filters, -1, H_out, W_out
        ).transpose(1, 0, 2, 3)
    cache = (x_pad.shape, W, stride, padding, all_cols)
    return out, cache


def conv2d_backward(dout, cache):
    """dout: (N, F, H_out, W_out)  →  dx: (N, C, H, W)，dW: (F, C, kh, kw)，db: (F,)"""
    x_pad_shape, W, stride, padding, all_cols = cache
    (N, _, Hp, Wp), (n_filters, _, kh, kw) = x_pad_shape, W.shape
    (ph, pw), W_rows = padding, W.reshape(n_filters, -1)
    H_out, W_out = output_size("conv2d_backward", (Hp, Wp), (kh, kw), stride, (0, 0))
    # W 也列进来：dout 与 W 的 dtype 必须一致（float32 的 dout 配 float64 的 W 会被悄悄提升）
    check_shapes(
        "conv2d_backward", dout=(dout, (N, n_filters, H_out, W_out)), W=(W, W.shape)
    )

    db = dout.sum(axis=(0, 2, 3))  # b[f] 加到了 f 号特征图的每个位置
    dW_rows = np.zeros_like(W_rows)
    dx_pad = np.zeros(x_pad_shape, dtype=dout.dtype)
    for start, cols in zip(range(0, N, CHUNK), all_cols):
        dout_rows = (
            dout[start : start + CHUNK].transpose(1, 0, 2, 3).reshape(n_filters, -1)
        )
        dW_rows += dout_rows @ cols.T  # (F, L) @ (L, C·kh·kw)：对所有位置求和
        dcols = W_rows.T @ dout_rows  # (C·kh·kw, L)：每个窗口收到的梯度
        col2im(dcols, dx_pad[start : start + CHUNK], (kh, kw), stride)
    dx = dx_pad[:, :, ph : Hp - ph, pw : Wp - pw]  # 补的零不是输入，丢掉它们的梯度
    return dx, dW_rows.reshape(W.shape), db


def im2col(x_pad, kernel, stride):
    """x_pad: (n, C, Hp, Wp) → cols: (C·kh·kw, n·H_out·W_out)，每一列是一个展平的窗口。"""
    win = windows(x_pad, kernel, stride)  # (n, C, H_out, W_out, kh, kw) 视图
    C, kh, kw = x_pad.shape[1], *kernel
    # 前面都只是视图，这里的 reshape 才真正复制数据
    return win.transpose(1, 4, 5, 0, 2, 3).reshape(C * kh * kw, -1)


def col2im(dcols, dx_pad, kernel, stride):
    """im2col 的伴随：dcols (C·kh·kw, n·H_out·W_out) 按窗口累加进 dx_pad (n, C, Hp, Wp)。"""
    n, C = dx_pad.shape[:2]
    H_out, W_out = output_size("col2im", dx_pad.shape[2:], kernel, stride, (0, 0))
    # 两边都按 (C, n, …) 的顺序看，逐块相加时读写的都是连续的行
    dwin = dcols.reshape(C, *kernel, n, H_out, W_out).transpose(0, 3, 4, 5, 1, 2)
    add_windows(dwin, dx_pad.transpose(1, 0, 2, 3), stride)
    return dx_pad
