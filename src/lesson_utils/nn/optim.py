# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.optim` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-3-rnn.ipynb#6393b5bc
"""训练循环的两个小工具：按总范数裁剪梯度、Adam 优化器。行为与 torch 的同名工具相同。"""

import numpy as np


def clip_grad_norm(grads, max_norm):
    """把一组梯度合起来的 L2 范数缩到不超过 max_norm，方向不变（torch.nn.utils.clip_grad_norm_）。

    grads: {名字: 数组}，原地修改。返回裁剪前的总范数，便于画图、监控梯度爆炸。
    """
    if not (np.isscalar(max_norm) and np.isfinite(max_norm) and max_norm > 0):
        raise ValueError(
            f"clip_grad_norm: 参数 max_norm 应为正的有限数，实际为 {max_norm!r}"
        )
    total = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    scale = max_norm / (total + 1e-6)  # 与 torch 相同的 1e-6，避免除以 0
    if scale < 1:
        for g in grads.values():
            g *= scale
    return total


class Adam:
    """Adam（Kingma & Ba, 2015），与 torch.optim.Adam 的默认行为相同（无权重衰减）。

    params: {名字: 数组}，step(grads) 按同样的名字原地更新参数。
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        # 梯度的滑动平均 m 与梯度平方的滑动平均 v
        self.m = {name: np.zeros_like(p) for name, p in params.items()}
        self.v = {name: np.zeros_like(p) for name, p in params.items()}
        self.steps = 0

    def step(self, grads):
        if set(grads) != set(self.params):
            raise ValueError(
                f"Adam.step: grads 的名字应与参数相同：参数 {sorted(self.params)}，"
                f"梯度 {sorted(grads)}"
            )
        self.steps += 1
        beta1, beta2 = self.betas
        for name, p in self.params.items():
            g = grads[name]
            if g.shape != p.shape:
                raise ValueError(
                    f"Adam.step: 梯度 {name} 的形状 {g.shape} 与参数的形状 {p.shape} 不同"
                )
            self.m[name] = beta1 * self.m[name] + (1 - beta1) * g
            self.v[name] = beta2 * self.v[name] + (1 - beta2) * g * g
            # 偏差修正：m、v 从 0 出发，起初偏小
            m_hat = self.m[name] / (1 - beta1**self.steps)
            v_hat = self.v[name] / (1 - beta2**self.steps)
            # 每个参数按自己的梯度尺度走一步
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
