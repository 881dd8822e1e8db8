# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export nn.cnn` 的
# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。
# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。

# %% book/ch3/3-2-cnn.ipynb#c7a1e0b2
"""3.2 节的卷积网络分类器：1×8×8 → 卷积 3×3（16）→ ReLU → 卷积 3×3（32）→ ReLU
→ 2×2 最大池化 → 展平 → 全连接 → 10 类。
别的页面（如 3.4 节给生成的数字打分）用它重新训练同一个网络。

params 是列表 [W1, b1, W2, b2, W3, b3]，布局同 nn.Conv2d / nn.Linear。
"""

import numpy as np

from lesson_utils.nn.activations import relu_backward, relu_forward
from lesson_utils.nn.conv import conv2d_backward, conv2d_forward
from lesson_utils.nn.linear import linear_backward, linear_forward
from lesson_utils.nn.losses import log_softmax, softmax_cross_entropy
from lesson_utils.nn.pooling import max_pool2d_backward, max_pool2d_forward


def cnn_input(images, mean, std):
    """(N, 8, 8) 的图 → (N, 1, 8, 8)：所有像素共用一个均值 mean 和标准差 std（在训练集上算）。"""
    return ((images - mean) / std)[:, None]


def init_cnn(rng, channels=(16, 32)):
    """He 初始化（方差 2 / fan_in），偏置为 0；rng 是 np.random.Generator。"""
    c1, c2 = channels
    return [
        rng.normal(size=(c1, 1, 3, 3)) * np.sqrt(2 / 9),
        np.zeros(c1),
        rng.normal(size=(c2, c1, 3, 3)) * np.sqrt(2 / (9 * c1)),
        np.zeros(c2),
        rng.normal(size=(10, c2 * 16)) * np.sqrt(2 / (c2 * 16)),
        np.zeros(10),
    ]


def cnn_forward(params, x):
    """x: (N, 1, 8, 8) → (logits (N, 10), caches)。"""
    W1, b1, W2, b2, W3, b3 = params
    z1, conv1 = conv2d_forward(x, W1, b1, padding=1)
    h1, relu1 = relu_forward(z1)
    z2, conv2 = conv2d_forward(h1, W2, b2, padding=1)
    h2, relu2 = relu_forward(z2)
    pooled, pool = max_pool2d_forward(h2, 2)
    # 展平：(N, 32·4·4)
    logits, fc = linear_forward(pooled.reshape(len(x), -1), W3, b3)
    caches = (conv1, relu1, conv2, relu2, pool, fc, pooled.shape)
    return logits, caches


def cnn_backward(dlogits, caches):
    """dlogits: (N, 10) → 与 params 同序的梯度 [dW1, db1, dW2, db2, dW3, db3]。"""
    conv1, relu1, conv2, relu2, pool, fc, pooled_shape = caches
    dflat, dW3, db3 = linear_backward(dlogits, fc)
    dh2 = max_pool2d_backward(dflat.reshape(pooled_shape), pool)
    dh1, dW2, db2 = conv2d_backward(relu_backward(dh2, relu2), conv2)
    _, dW1, db1 = conv2d_backward(relu_backward(dh1, relu1), conv1)
    return [dW1, db1, dW2, db2, dW3, db3]


def cnn_predict_proba(params, x):
    """x: (N, 1, 8, 8) → 每类的概率 (N, 10)，每行之和为 1。"""
    return np.exp(log_softmax(cnn_forward(params, x)[0]))


def cnn_accuracy(params, x, y):
    """x: (N, 1, 8, 8)，y: (N,) 的类别 → 分对的比例。"""
    return float(np.mean(cnn_forward(params, x)[0].argmax(axis=1) == y))


def train_cnn(
    x_train, y_train, seed, epochs=15, lr=0.1, batch_size=32, channels=(16, 32),
    x_val=None, y_val=None,
):  # fmt: skip
    """小批量 SGD 训练：np.random.default_rng(seed) 先抽初始权重，再每轮打乱一次批次顺序。

    x_train: (N, 1, 8, 8)（用 cnn_input 标准化），y_train: (N,) 的类别。
    返回 (params, history)：history 有初始权重 "initial_params"、每个小批量的下标 "batches"、
    每轮的平均训练损失 "loss"；给了验证集 x_val、y_val 时还有每轮的验证准确率 "val_acc"。
    """
    rng = np.random.default_rng(seed)
    params = init_cnn(rng, channels)
    history = {
        "initial_params": [p.copy() for p in params],
        "batches": [],
        "loss": [],
    }
    if x_val is not None:
        history["val_acc"] = []
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        losses = []
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            history["batches"].append(batch)
            logits, caches = cnn_forward(params, x_train[batch])
            loss, dlogits = softmax_cross_entropy(logits, y_train[batch])
            for p, g in zip(params, cnn_backward(dlogits, caches)):
                p -= lr * g  # 就地更新
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        if x_val is not None:
            history["val_acc"].append(cnn_accuracy(params, x_val, y_val))
    return params, history
