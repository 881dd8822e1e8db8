"""lesson_utils.nn：各章笔记本里推导、实现的 NumPy 层。

约定（形状与参数布局同 PyTorch）见 ARCHITECTURE.md 的“nn 的约定”。本目录的每个文件
（包括这一个）都由 make export 从笔记本的 ``#| export`` 单元生成，请勿手工修改。

- ``linear``：``linear_forward``、``linear_backward``（3-1-feedforward-backprop）
- ``activations``：``relu_forward``、``relu_backward``、``sigmoid_forward``、``sigmoid_backward``、``tanh_forward``、``tanh_backward``（3-1-feedforward-backprop）
- ``losses``：``log_softmax``、``softmax_cross_entropy``、``bce_with_logits``（3-1-feedforward-backprop、3-4-gan）
- ``naive``：``conv2d_naive_forward``、``conv2d_naive_backward``、``max_pool2d_naive_forward``、``max_pool2d_naive_backward``（3-2-cnn）
- ``windows``：（内部的辅助函数）（3-2-cnn）
- ``conv``：``conv2d_forward``、``conv2d_backward``（3-2-cnn）
- ``pooling``：``max_pool2d_forward``、``max_pool2d_backward``、``avg_pool2d_forward``、``avg_pool2d_backward``（3-2-cnn）
- ``conv_transpose``：``conv_transpose2d_forward``、``conv_transpose2d_backward``（3-2-cnn）
- ``cnn``：``cnn_input``、``init_cnn``、``cnn_forward``、``cnn_backward``、``cnn_predict_proba``、``cnn_accuracy``、``train_cnn``（3-2-cnn）
- ``rnn``：``rnn_forward``、``rnn_backward``（3-3-rnn）
- ``lstm``：``lstm_forward``、``lstm_backward``（3-3-rnn）
- ``gru``：``gru_forward``、``gru_backward``（3-3-rnn）
- ``optim``：``clip_grad_norm``、``Adam``（3-3-rnn）
- ``mlp``：``init_mlp``、``mlp_forward``、``mlp_backward``（3-4-gan）
- ``gan``：``discriminator_loss_and_grads``、``generator_loss_and_grads``（3-4-gan）
"""

# %% book/ch3/3-1-feedforward-backprop.ipynb#cell-07
from lesson_utils.nn.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
# %% book/ch3/3-2-cnn.ipynb#c7a1e0b2
from lesson_utils.nn.cnn import (
    cnn_accuracy,
    cnn_backward,
    cnn_forward,
    cnn_input,
    cnn_predict_proba,
    init_cnn,
    train_cnn,
)
# %% book/ch3/3-2-cnn.ipynb#b6809e91
from lesson_utils.nn.conv import conv2d_backward, conv2d_forward
# %% book/ch3/3-2-cnn.ipynb#e5b7c2d8
from lesson_utils.nn.conv_transpose import (
    conv_transpose2d_backward,
    conv_transpose2d_forward,
)
# %% book/ch3/3-4-gan.ipynb#bfbc5777
from lesson_utils.nn.gan import (
    discriminator_loss_and_grads,
    generator_loss_and_grads,
)
# %% book/ch3/3-3-rnn.ipynb#9a93f697
from lesson_utils.nn.gru import gru_backward, gru_forward
# %% book/ch3/3-1-feedforward-backprop.ipynb#cell-06
from lesson_utils.nn.linear import linear_backward, linear_forward
# %% book/ch3/3-1-feedforward-backprop.ipynb#cell-08
# %% book/ch3/3-4-gan.ipynb#5bd48ba3
from lesson_utils.nn.losses import (
    bce_with_logits,
    log_softmax,
    softmax_cross_entropy,
)
# %% book/ch3/3-3-rnn.ipynb#e16f7c68
from lesson_utils.nn.lstm import lstm_backward, lstm_forward
# %% book/ch3/3-4-gan.ipynb#1ba6d4a5
from lesson_utils.nn.mlp import init_mlp, mlp_backward, mlp_forward
# %% book/ch3/3-2-cnn.ipynb#8ffd9694
from lesson_utils.nn.naive import (
    conv2d_naive_backward,
    conv2d_naive_forward,
    max_pool2d_naive_backward,
    max_pool2d_naive_forward,
)
# %% book/ch3/3-3-rnn.ipynb#6393b5bc
from lesson_utils.nn.optim import Adam, clip_grad_norm
# %% book/ch3/3-2-cnn.ipynb#10a32f52
from lesson_utils.nn.pooling import (
    avg_pool2d_backward,
    avg_pool2d_forward,
    max_pool2d_backward,
    max_pool2d_forward,
)
# %% book/ch3/3-3-rnn.ipynb#0ddd93a3
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
    "conv2d_naive_forward",
    "conv2d_naive_backward",
    "max_pool2d_naive_forward",
    "max_pool2d_naive_backward",
    "conv2d_forward",
    "conv2d_backward",
    "max_pool2d_forward",
    "max_pool2d_backward",
    "avg_pool2d_forward",
    "avg_pool2d_backward",
    "conv_transpose2d_forward",
    "conv_transpose2d_backward",
    "cnn_input",
    "init_cnn",
    "cnn_forward",
    "cnn_backward",
    "cnn_predict_proba",
    "cnn_accuracy",
    "train_cnn",
    "rnn_forward",
    "rnn_backward",
    "lstm_forward",
    "lstm_backward",
    "gru_forward",
    "gru_backward",
    "clip_grad_norm",
    "Adam",
    "init_mlp",
    "mlp_forward",
    "mlp_backward",
    "discriminator_loss_and_grads",
    "generator_loss_and_grads",
]
