# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.linear` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-1-feedforward-backprop.ipynb#cell-06
"""全连接层（fully connected layer），约定与 torch.nn.functional.linear 相同。"""

from lesson_utils.validation import check_shapes


def linear_forward(x, W, b):
    """out = x @ W.T + b（3.1 节的批量前向公式）。

    x: (N, D)，W: (H, D)，b: (H,)  →  out: (N, H)，cache = (x, W, b)
    """
    check_shapes(
        "linear_forward", x=(x, ("N", "D")), W=(W, ("H", "D")), b=(b, ("H",))
    )
    out = x @ W.T + b
    cache = (x, W, b)
    return out, cache


def linear_backward(dout, cache):
    """dout: (N, H)  →  dx: (N, D)，dW: (H, D)，db: (H,)（3.1 节的批量反向公式）。"""
    x, W, b = cache
    check_shapes(
        "linear_backward", dout=(dout, (x.shape[0], W.shape[0])), x=(x, x.shape)
    )
    dx = dout @ W  # (N, H) @ (H, D)：每个输入收集它影响到的所有输出的梯度
    dW = dout.T @ x  # (H, N) @ (N, D)：N 个样本的外积之和
    db = dout.sum(axis=0)  # b 被广播到每一行，梯度就把每一行加起来
    return dx, dW, db
