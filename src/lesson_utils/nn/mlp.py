# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.mlp` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-4-gan.ipynb#1ba6d4a5
"""多层感知机（MLP）：3.1 节的线性层与 ReLU 交替，最后一层不加激活。
3.4 节的生成器与判别器都是它。

参数放在字典里：{W0, b0, W1, b1, …}，第 k 层的 Wk 为 (输出, 输入)、
bk 为 (输出,)，布局同 nn.Linear。
"""

import numpy as np

from lesson_utils.nn.activations import relu_backward, relu_forward
from lesson_utils.nn.linear import linear_backward, linear_forward
from lesson_utils.validation import check_mlp, check_shapes


def init_mlp(sizes, init_rng):
    """sizes = (输入, 隐藏…, 输出)；init_rng 是抽取初始权重用的 np.random.Generator。

    He 初始化（隐藏层是 ReLU），偏置为 0。
    """
    if len(sizes) < 2 or any(int(n) != n or n < 1 for n in sizes):
        raise ValueError(f"init_mlp: sizes 应为至少两个正整数，实际为 {sizes}")
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"W{k}"] = init_rng.normal(
            0.0, np.sqrt(2.0 / fan_in), size=(fan_out, fan_in)
        )
        params[f"b{k}"] = np.zeros(fan_out)
    return params


def mlp_forward(params, x):
    """x: (N, 输入) → (out, caches)。

    out 为 (N, 输出)；caches 是各层的缓存，交给 mlp_backward。
    """
    check_mlp("mlp_forward", params, x)
    layers = len(params) // 2
    h, caches = x, []
    for k in range(layers):
        h, linear_cache = linear_forward(h, params[f"W{k}"], params[f"b{k}"])
        relu_cache = None
        if k < layers - 1:  # 最后一层不加激活
            h, relu_cache = relu_forward(h)
        caches.append((linear_cache, relu_cache))
    return h, caches


def mlp_backward(dout, caches):
    """dout: (N, 输出) → dx: (N, 输入)，grads: 与 params 同名同形状的梯度字典。"""
    x_last, W_last, _ = caches[-1][0]  # 最后一层线性层的输入与权重
    check_shapes("mlp_backward", dout=(dout, (len(x_last), len(W_last))))
    grads = {}
    for k in reversed(range(len(caches))):
        linear_cache, relu_cache = caches[k]
        if relu_cache is not None:
            dout = relu_backward(dout, relu_cache)
        dout, grads[f"W{k}"], grads[f"b{k}"] = linear_backward(dout, linear_cache)
    return dout, grads
