"""各章笔记本里推导、实现的 NumPy 层，约定见 DESIGN.md §5（形状与参数布局同 PyTorch）。

每个子模块由笔记本导出（``python -m lesson_utils.export``），不要手工修改；本文件是手写的目录。

- ``layers``：``linear_forward/backward``（3.1）
- ``activations``：``relu_*``、``sigmoid_*``、``tanh_*``（3.1）
- ``losses``：``softmax_cross_entropy``（3.1）、``bce_with_logits``（3.4）
- ``windows``：卷积与池化共用的窗口视图与它的伴随（3.2）
- ``conv``：``conv2d_forward/backward``（3.2，im2col + 矩阵乘法）
- ``pooling``：``max_pool2d_*``、``avg_pool2d_*``（3.2）
- ``naive``：照公式逐元素循环的卷积与最大池化，只用于教学与核对（3.2）
- ``rnn``：``rnn_forward/backward``，以及三种循环层共用的参数检查（3.3）
- ``lstm``：``lstm_forward/backward``（3.3）
- ``gru``：``gru_forward/backward``（3.3）
- ``optim``：``clip_grad_norm``、``Adam``（3.3）
- ``mlp``：``init_mlp``、``mlp_forward/backward``，参数是 ``{W0, b0, W1, b1, …}`` 的字典（3.4）
- ``gan``：``discriminator_loss_and_grads``、``generator_loss_and_grads``（3.4）
"""

from lesson_utils.nn.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from lesson_utils.nn.conv import conv2d_backward, conv2d_forward
from lesson_utils.nn.gan import (
    discriminator_loss_and_grads,
    generator_loss_and_grads,
)
from lesson_utils.nn.gru import gru_backward, gru_forward
from lesson_utils.nn.layers import linear_backward, linear_forward
from lesson_utils.nn.losses import (
    bce_with_logits,
    log_softmax,
    softmax_cross_entropy,
)
from lesson_utils.nn.lstm import lstm_backward, lstm_forward
from lesson_utils.nn.mlp import init_mlp, mlp_backward, mlp_forward
from lesson_utils.nn.naive import (
    conv2d_naive_backward,
    conv2d_naive_forward,
    max_pool2d_naive_backward,
    max_pool2d_naive_forward,
)
from lesson_utils.nn.optim import Adam, clip_grad_norm
from lesson_utils.nn.pooling import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
)
from lesson_utils.nn.rnn import rnn_backward, rnn_forward

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
    "bce_with_logits",
    "conv2d_forward",
    "conv2d_backward",
    "max_pool2d_forward",
    "max_pool2d_backward",
    "avg_pool2d_forward",
    "avg_pool2d_backward",
    "conv2d_naive_forward",
    "conv2d_naive_backward",
    "max_pool2d_naive_forward",
    "max_pool2d_naive_backward",
    "rnn_forward",
    "rnn_backward",
    "lstm_forward",
    "lstm_backward",
    "gru_forward",
    "gru_backward",
    "init_mlp",
    "mlp_forward",
    "mlp_backward",
    "discriminator_loss_and_grads",
    "generator_loss_and_grads",
    "clip_grad_norm",
    "Adam",
]
