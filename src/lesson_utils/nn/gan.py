# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.gan` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-4-gan.ipynb#bfbc5777
"""GAN 一次迭代的两半：判别器与生成器各自的损失和梯度（3.4 节）。"""

import numpy as np

from lesson_utils.nn.losses import bce_with_logits
from lesson_utils.nn.mlp import mlp_backward, mlp_forward
from lesson_utils.validation import check_gan


def discriminator_loss_and_grads(D, G, x_real, z):
    """−V 的小批量估计 = BCE(D(x), 1) + BCE(D(G(z)), 0)。返回 (损失, D 的梯度)。

    D、G: mlp 参数字典。G 把 z: (N, 潜在维) 映射到 (N, 数据维)，
    D 把 x_real: (M, 数据维) 映射到 (M, 1) 个 logit。
    →  损失: 标量，grads: 与 D 同名同形状
    """
    check_gan("discriminator_loss_and_grads", D, G, z, x_real)
    x_fake, _ = mlp_forward(G, z)  # 这一半不需要 G 的梯度
    logits_real, cache_real = mlp_forward(D, x_real)
    logits_fake, cache_fake = mlp_forward(D, x_fake)
    loss_real, dlogits_real = bce_with_logits(logits_real, np.ones_like(logits_real))
    loss_fake, dlogits_fake = bce_with_logits(
        logits_fake, np.zeros_like(logits_fake)
    )
    _, grads_real = mlp_backward(dlogits_real, cache_real)
    _, grads_fake = mlp_backward(dlogits_fake, cache_fake)
    # D 在两批样本上都用了一次，梯度相加
    grads = {name: grads_real[name] + grads_fake[name] for name in D}
    return loss_real + loss_fake, grads


def generator_loss_and_grads(D, G, z, loss="ns"):
    """返回 (损失, G 的梯度)。

    loss="ns"：−log D(G(z))；loss="minimax"：log(1 − D(G(z)))，都对 N 个样本取平均。
    形状同 discriminator_loss_and_grads；grads 与 G 同名同形状。
    """
    check_gan("generator_loss_and_grads", D, G, z)
    x_fake, cache_g = mlp_forward(G, z)
    logits_fake, cache_d = mlp_forward(D, x_fake)
    if loss == "ns":  # 把假样本标成 1 的 BCE
        value, dlogits = bce_with_logits(logits_fake, np.ones_like(logits_fake))
    elif loss == "minimax":  # log(1 − σ(s)) = −BCE(s, 0)
        bce, dlogits = bce_with_logits(logits_fake, np.zeros_like(logits_fake))
        value, dlogits = -bce, -dlogits
    else:
        raise ValueError(
            f"generator_loss_and_grads: loss 应为 'ns' 或 'minimax'，实际为 {loss!r}"
        )
    # 穿过 D；D 的参数梯度丢掉，这一步不更新 D
    dx_fake, _ = mlp_backward(dlogits, cache_d)
    _, grads = mlp_backward(dx_fake, cache_g)
    return value, grads
