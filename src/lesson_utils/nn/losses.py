# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.losses` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-1-feedforward-backprop.ipynb#cell-08
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
        raise ValueError(
            f"softmax_cross_entropy: logits 不能为空，实际形状为 {logits.shape}"
        )
    check_labels("softmax_cross_entropy", "y", y, N, K)
    log_probs = log_softmax(logits)
    loss = np.mean(-log_probs[np.arange(N), y])
    dlogits = np.exp(log_probs)  # 概率 P
    dlogits[np.arange(N), y] -= 1  # P − Y
    dlogits /= N  # 损失是 N 个样本的平均
    return loss, dlogits


# %% book/ch3/3-4-gan.ipynb#5bd48ba3
def bce_with_logits(logits, targets):
    """平均二元交叉熵，与 F.binary_cross_entropy_with_logits 相同（3.4 节）。

    logits, targets: 同样的任意形状，targets 在 [0, 1] 内（可以是 0.9 这样的软标签）
    →  loss: 标量，dlogits: 与 logits 同形状，= (σ(logits) − targets) / 元素个数
    """
    shape = np.shape(logits)
    check_shapes("bce_with_logits", logits=(logits, shape), targets=(targets, shape))
    if logits.size == 0:
        raise ValueError(f"bce_with_logits: logits 不能为空，实际形状为 {shape}")
    if np.any((targets < 0) | (targets > 1)):
        raise ValueError(
            f"bce_with_logits: 参数 targets 的取值应在 [0, 1] 内，"
            f"实际范围为 [{targets.min()}, {targets.max()}]（形状 {shape}）"
        )
    e = np.exp(-np.abs(logits))  # 在 (0, 1] 内：logits = ±1000 也不会上溢
    loss = np.mean(np.maximum(logits, 0) - logits * targets + np.log1p(e))
    # σ(s) 的两种写法，各在一侧精确
    probs = np.where(logits >= 0, 1 / (1 + e), e / (1 + e))
    dlogits = (probs - targets) / logits.size
    return loss, dlogits
