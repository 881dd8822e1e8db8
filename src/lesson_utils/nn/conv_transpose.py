# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.conv_transpose` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-2-cnn.ipynb#e5b7c2d8
"""转置卷积（transposed convolution），约定与 torch.nn.functional.conv_transpose2d 相同。

两个方向与 conv2d 正好互换：前向传播就是 conv2d 对输入的梯度（W_rowsᵀ @ x_rows，再 col2im），
反向传播的 dx 就是一次带步幅的 conv2d（im2col，再 W_rows @ cols）。窗口工具全部沿用 nn.conv。
"""

import numpy as np

from lesson_utils.nn.conv import col2im, im2col
from lesson_utils.nn.windows import as_pair
from lesson_utils.validation import check_shapes


def transposed_arguments(func, x, W, b, stride, padding, output_padding):
    """转置卷积的输入检查，返回 (stride, padding, (H_out, W_out))。

    H_out = (H − 1)·s − 2p + kh + output_padding；output_padding 必须小于 stride（同 PyTorch）。
    """
    check_shapes(
        func,
        x=(x, ("N", "C_in", "H", "W")),
        W=(W, ("C_in", "C_out", "kh", "kw")),
        b=(b, ("C_out",)),
    )
    stride = as_pair(stride, "stride", func, minimum=1)
    padding = as_pair(padding, "padding", func, minimum=0)
    output_padding = as_pair(output_padding, "output_padding", func, minimum=0)
    if any(op >= s for op, s in zip(output_padding, stride)):
        raise ValueError(
            f"{func}: 参数 output_padding 的每一项应小于 stride，"
            f"实际 output_padding={output_padding}，stride={stride}"
        )
    out_size = tuple(
        (n - 1) * s - 2 * p + k + op
        for n, s, p, k, op in zip(
            x.shape[2:], stride, padding, W.shape[2:], output_padding
        )
    )
    if min(out_size) < 1:
        raise ValueError(
            f"{func}: 输出高宽 {out_size} 不是正数：padding {padding} 裁掉的比生成的还多"
            f"（x 的形状 {x.shape}，W 的形状 {W.shape}，stride {stride}）"
        )
    return stride, padding, out_size


def conv_transpose2d_forward(x, W, b, stride=1, padding=0, output_padding=0):
    """out = “把 x 当作上游梯度”时 conv2d 对输入的梯度，再加 b。

    x: (N, C_in, H, W)，W: (C_in, C_out, kh, kw)，b: (C_out,)，
    stride/padding/output_padding: int 或 (高, 宽)
    →  out: (N, C_out, H_out, W_out)，H_out = (H − 1)·s − 2p + kh + output_padding；
       cache 供 conv_transpose2d_backward 使用
    """
    stride, padding, (H_out, W_out) = transposed_arguments(
        "conv_transpose2d_forward", x, W, b, stride, padding, output_padding
    )
    (ph, pw), (c_in, c_out, kh, kw) = padding, W.shape
    W_rows = W.reshape(
        c_in, -1
    )  # (C_in, C_out·kh·kw)：与 conv2d 的 W_rows 同一种展平
    x_rows = x.transpose(1, 0, 2, 3).reshape(c_in, -1)  # (C_in, N·H·W)：每个像素一列
    # (C_out·kh·kw, N·H·W)：每个输入像素乘上核，“盖”出一个 C_out×kh×kw 的块
    cols = W_rows.T @ x_rows
    # 块按步幅摆进补零后的画布、重叠处相加，再裁掉四周的 p 圈
    canvas = np.zeros((x.shape[0], c_out, H_out + 2 * ph, W_out + 2 * pw), x.dtype)
    col2im(cols, canvas, (kh, kw), stride)
    out = canvas[:, :, ph : ph + H_out, pw : pw + W_out] + b[:, None, None]
    cache = (x, W, stride, padding, out.shape)
    return out, cache


def conv_transpose2d_backward(dout, cache):
    """dout: (N, C_out, H_out, W_out)
    →  dx: (N, C_in, H, W)，dW: (C_in, C_out, kh, kw)，db: (C_out,)
    """
    x, W, stride, padding, out_shape = cache
    (N, c_in, H, W_in), (ph, pw) = x.shape, padding
    # x、W 也列进来：dout 的 dtype 必须与它们一致
    check_shapes(
        "conv_transpose2d_backward",
        dout=(dout, out_shape),
        x=(x, x.shape),
        W=(W, W.shape),
    )
    db = dout.sum(axis=(0, 2, 3))  # b[c] 加到了 c 号输出通道的每个位置
    # 补回前向裁掉的 p 圈（那里的梯度是 0），每个窗口正好是一个输入像素盖出的块
    dout_pad = np.pad(dout, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    cols = im2col(dout_pad, W.shape[2:], stride)  # (C_out·kh·kw, N·H·W)
    W_rows = W.reshape(c_in, -1)
    dx_rows = W_rows @ cols  # (C_in, N·H·W)：这就是一次带步幅的 conv2d
    dx = dx_rows.reshape(c_in, N, H, W_in).transpose(1, 0, 2, 3)
    x_rows = x.transpose(1, 0, 2, 3).reshape(c_in, -1)
    dW = (x_rows @ cols.T).reshape(W.shape)  # (C_in, N·H·W) @ (N·H·W, C_out·kh·kw)
    return np.ascontiguousarray(dx), dW, db
