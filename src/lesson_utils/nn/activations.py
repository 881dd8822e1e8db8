# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.activations` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-1-feedforward-backprop.ipynb#cell-07
"""逐元素的激活函数。输入可以是任意形状；cache 里存反向传播要用的量。"""

import numpy as np

from lesson_utils.validation import check_float_array, check_shapes


def relu_forward(x):
    """max(x, 0)；cache = x"""
    check_float_array("relu_forward", "x", x)
    out = np.maximum(x, 0)
    return out, x


def relu_backward(dout, cache):
    """f'(x) = [x > 0]：在 0 处取 0，与 PyTorch 相同。"""
    x = cache
    check_shapes("relu_backward", dout=(dout, x.shape), x=(x, x.shape))
    dx = dout * (x > 0)
    return dx


def sigmoid_forward(x):
    """1 / (1 + e^{-x})；cache = out

    只对 -|x| 取指数：e^{-|x|} 在 (0, 1] 内，x = -1000 时也不会上溢。
    """
    check_float_array("sigmoid_forward", "x", x)
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return out, out


def sigmoid_backward(dout, cache):
    """f'(x) = σ(x)(1 − σ(x))，用前向的输出计算。"""
    out = cache
    check_shapes("sigmoid_backward", dout=(dout, out.shape), out=(out, out.shape))
    dx = dout * out * (1 - out)
    return dx


def tanh_forward(x):
    """tanh(x)；cache = out"""
    check_float_array("tanh_forward", "x", x)
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    """f'(x) = 1 − tanh²(x)，用前向的输出计算。"""
    out = cache
    check_shapes("tanh_backward", dout=(dout, out.shape), out=(out, out.shape))
    dx = dout * (1 - out**2)
    return dx
