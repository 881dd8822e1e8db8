"""各章笔记本里推导、实现的 NumPy 层，约定见 DESIGN.md §5（形状与参数布局同 PyTorch）。

每个子模块由笔记本导出（``python -m lesson_utils.export``），不要手工修改；本文件是手写的目录。

- ``layers``：``linear_forward/backward``（3.1）
- ``activations``：``relu_*``、``sigmoid_*``、``tanh_*``（3.1）
- ``losses``：``softmax_cross_entropy``（3.1）
"""

from lesson_utils.nn.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from lesson_utils.nn.layers import linear_backward, linear_forward
from lesson_utils.nn.losses import log_softmax, softmax_cross_entropy

__all__ = [
    "linear_forward",
    "linear_backward",
    "relu_forward",
    "relu_backward",
    "sigmoid_forward",
    "sigmoid_backward",
    "tanh_forward",
    "tanh_backward",
    "log_softmax",
    "softmax_cross_entropy",
]
