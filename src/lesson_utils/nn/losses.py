# 本文件由 `python -m lesson_utils.export` 从下列笔记本自动生成，请勿手工修改：
# 改笔记本里标有 `#| export nn.losses` 的代码单元，再重新导出。
#   book/ch3/3-1-feedforward-backprop.ipynb

"""损失函数：返回 (loss, dlogits)，一次给出损失值和它对 logits 的梯度。"""

import numpy as np

from lesson_utils.validation import check_labels, check_shapes


def log_softmax(logits):
    """按行的 log softmax。先减去每行的最大值（结果不变），exp 的参数都 ≤ 0，不会上溢。"""
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def softmax_cross_entropy(logits, y):
    """平均交叉熵，与 F.cross_entropy 相同（3.1 节的 softmax 与交叉熵公式）。

    logits: (N, K)，y: (N,) 整数类别  →  loss: 标量，dlogits: (N, K) = (P − Y) / N
    """
    dims = check_shapes("softmax_cross_entropy", logits=(logits, ("N", "K")))
    N, K = dims["N"], dims["K"]
    if N == 0 or K == 0:
        raise ValueError(f"softmax_cross_entropy: logits 不能为空，实际形状为 {logits.shape}")
    check_labels("softmax_cross_entropy", "y", y, N, K)
    log_probs = log_softmax(logits)
    loss = np.mean(-log_probs[np.arange(N), y])
    dlogits = np.exp(log_probs)  # 概率 P
    dlogits[np.arange(N), y] -= 1  # P − Y
    dlogits /= N  # 损失是 N 个样本的平均
    return loss, dlogits
