"""编程练习的自动检查。在笔记本里写好函数后运行
``check("3.2-3", conv1x1_forward, conv1x1_backward)``。

每个检查器用随机输入运行你的函数，与 PyTorch 的自动求导逐项对照，用中文指出哪一项不对：
形状错了就说形状，数值错了就说差多少、在哪个位置，常见的错误（差一个常数倍、差一个转置）会给出提示。
检查器只用 PyTorch 作参考，不含参考答案，可以原样发给学生（见“教师指南”）。
还没写的函数（``raise NotImplementedError()``）会被礼貌地报告为“还没有完成”。
"""

import inspect
import sysconfig
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from lesson_utils.compare import compare, to_numpy, to_torch
from lesson_utils.verify import (
    random_conv_problem,
    random_mlp,
    random_recurrent_problem,
    torch_discriminator_loss,
    torch_generator_loss,
    torch_leaves,
    torch_mlp,
    torch_mlp_grads,
    torch_recurrent,
)


@dataclass(frozen=True)
class Exercise:
    title: str
    functions: tuple  # 学生要写的函数名，按 check 的参数顺序
    checker: Callable  # checker(*functions) 逐项交出 (量的名字, 学生的结果, 参考结果)
    items: tuple  # 各项的名字，按交出的顺序；得分 = 通过的项数 / len(items)


# ---------------------------------------------------------------- 3.1
# 每个检查器是生成器：先算好参考值，再调用学生的前向、交出前向的各项，最后调用反向。
# 这样反向还是桩（或出错）时，前向照样得到判定。


def check_leaky_relu(forward, backward):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 5))
    x += np.where(x >= 0, 0.1, -0.1)  # 离开拐点：x = 0 处的导数取 1 还是 α 只是约定
    dout = rng.normal(size=x.shape)
    (x_t,) = torch_leaves("cpu", x)
    out_t = F.leaky_relu(x_t, 0.01)
    out_t.backward(to_torch(dout))
    out, cache = forward(x)
    yield "out", out, out_t
    yield "dx", backward(dout, cache), x_t.grad


def check_mse_loss(loss_fn):
    rng = np.random.default_rng(2)
    pred, target = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    (pred_t,) = torch_leaves("cpu", pred)
    loss_t = F.mse_loss(pred_t, to_torch(target))
    loss_t.backward()
    loss, dpred = loss_fn(pred, target)
    yield "loss", loss, loss_t
    yield "dpred", dpred, pred_t.grad


# ---------------------------------------------------------------- 3.2
def check_conv1x1(forward, backward):
    rng = np.random.default_rng(3)
    x, W, b = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(6, 3, 1, 1)), rng.normal(size=6)
    dout = rng.normal(size=(2, 6, 4, 5))
    x_t, W_t, b_t = torch_leaves("cpu", x, W, b)
    out_t = F.conv2d(x_t, W_t, b_t)
    out_t.backward(to_torch(dout))
    out, cache = forward(x, W, b)
    yield "out", out, out_t
    dx, dW, db = backward(dout, cache)
    yield from [("dx", dx, x_t.grad), ("dW", dW, W_t.grad), ("db", db, b_t.grad)]


def check_global_avg_pool(forward, backward):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 4, 5, 6))
    dout = rng.normal(size=(3, 4))
    (x_t,) = torch_leaves("cpu", x)
    out_t = x_t.mean(dim=(2, 3))
    out_t.backward(to_torch(dout))
    out, cache = forward(x)
    yield "out", out, out_t
    yield "dx", backward(dout, cache), x_t.grad


# ---------------------------------------------------------------- 3.3
def check_rnn_steps(step_forward, step_backward):
    """用学生的单步函数写出逐步的 BPTT（权重梯度在循环里累加），与 torch.nn.RNN 对照。"""
    rng = np.random.default_rng(5)
    T, N, D, H = 6, 3, 4, 5
    x, h0 = rng.normal(size=(T, N, D)), rng.normal(size=(N, H))
    W_ih, W_hh = rng.normal(size=(H, D)) / 2, rng.normal(size=(H, H)) / 2
    b_ih, b_hh = rng.normal(size=H), rng.normal(size=H)
    dhs = rng.normal(size=(T, N, H))
    layer = torch_recurrent("rnn", W_ih, W_hh, b_ih, b_hh, "cpu")
    x_t, h0_t = torch_leaves("cpu", x, h0[None])
    hs_t, _ = layer(x_t, h0_t)
    hs_t.backward(to_torch(dhs))
    h, caches, hs = h0, [], []
    for t in range(T):
        h, cache = step_forward(x[t], h, W_ih, W_hh, b_ih, b_hh)
        hs.append(h)
        caches.append(cache)
    yield "h_t（各时刻）", np.stack(hs), hs_t
    dx, dW_ih, dW_hh, db = np.zeros_like(x), 0.0, 0.0, 0.0
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[t], dh_next, dWi, dWh, db_t = step_backward(dhs[t] + dh_next, caches[t])
        dW_ih, dW_hh, db = dW_ih + dWi, dW_hh + dWh, db + db_t
    yield from [
        ("dx_t（各时刻）", dx, x_t.grad),
        ("dh0", dh_next, h0_t.grad[0]),
        ("dW_ih（各时刻之和）", dW_ih, layer.weight_ih_l0.grad),
        ("dW_hh（各时刻之和）", dW_hh, layer.weight_hh_l0.grad),
        ("db（各时刻之和）", db, layer.bias_ih_l0.grad),
    ]


def check_embedding(forward, backward):
    rng = np.random.default_rng(6)
    E = rng.normal(size=(7, 3))
    ids = np.array([[1, 4, 1], [6, 1, 0]])  # 字 1 出现了三次
    dout = rng.normal(size=(2, 3, 3))
    (E_t,) = torch_leaves("cpu", E)
    out_t = F.embedding(torch.tensor(ids), E_t)
    out_t.backward(to_torch(dout))
    out, cache = forward(ids, E)
    yield "out", out, out_t
    yield "dE", backward(dout, cache), E_t.grad


# ---------------------------------------------------------------- 3.4
def mlp_items(prefix, grads, module):
    """(名字, 学生的梯度, torch 的梯度)，按 dW0, db0, dW1, … 的顺序。

    grads 不是字典时各项都是 None（于是各项报告“没有给出这一项”）。
    """
    grads = grads if isinstance(grads, dict) else {}
    for name, reference in torch_mlp_grads(module).items():
        yield f"{prefix}d{name}", grads.get(name), reference


def check_smoothed_discriminator(loss_and_grads):
    rng = np.random.default_rng(7)
    G, D = random_mlp([2, 8, 2], rng), random_mlp([2, 8, 1], rng)
    x_real, z = rng.normal(size=(16, 2)), rng.normal(size=(16, 2))
    loss_t, D_t = torch_discriminator_loss(D, G, x_real, z, real_label=0.9)
    loss, grads = loss_and_grads(D, G, x_real, z, real_label=0.9)
    yield "损失", loss, loss_t
    yield from mlp_items("", grads, D_t)


def check_push_field(field):
    rng = np.random.default_rng(8)
    D = random_mlp([2, 8, 8, 1], rng)
    x = rng.normal(size=(10, 2))
    (x_t,) = torch_leaves("cpu", x)
    logits = torch_mlp(D)(x_t)
    F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits), reduction="sum").backward()
    yield "推动方向 −∂(−log D)/∂x", field(D, x), -x_t.grad


EXERCISES = {
    "3.1-3": Exercise(
        "Leaky ReLU",
        ("leaky_relu_forward", "leaky_relu_backward"),
        check_leaky_relu,
        ("out", "dx"),
    ),
    "3.1-4": Exercise("均方误差损失", ("mse_loss",), check_mse_loss, ("loss", "dpred")),
    "3.2-3": Exercise(
        "1×1 卷积",
        ("conv1x1_forward", "conv1x1_backward"),
        check_conv1x1,
        ("out", "dx", "dW", "db"),
    ),
    "3.2-4": Exercise(
        "全局平均池化",
        ("global_avg_pool_forward", "global_avg_pool_backward"),
        check_global_avg_pool,
        ("out", "dx"),
    ),
    "3.3-3": Exercise(
        "RNN 的单步",
        ("rnn_step_forward", "rnn_step_backward"),
        check_rnn_steps,
        ("h_t", "dx_t", "dh0", "dW_ih", "dW_hh", "db"),
    ),
    "3.3-4": Exercise(
        "嵌入层", ("embedding_forward", "embedding_backward"), check_embedding, ("out", "dE")
    ),
    "3.4-3": Exercise(
        "单边标签平滑的判别器损失",
        ("smoothed_discriminator_loss_and_grads",),
        check_smoothed_discriminator,
        ("损失", "dW0", "db0", "dW1", "db1"),
    ),
    "3.4-4": Exercise("判别器推动样本的方向", ("push_field",), check_push_field, ("推动方向",)),
}


# ---------------------------------------------------------------- 亲手实现各层（3.1–3.4 的作业）
# 学生从 `#| export` 单元生成的桩开始（lesson_utils.layer_assignments），自己写出本章的核心函数。
# 形状随机、与笔记本里演示的例子不同；HIDDEN_SEED 决定形状，批改时可以换（make grade SEED=…）。
HIDDEN_SEED = 2024


def hidden_rng(salt):
    return np.random.default_rng([HIDDEN_SEED, salt])


def check_linear_layer(forward, backward):
    rng = hidden_rng(1)
    N, D, H = rng.integers(2, 9, size=3)
    x, W, b = rng.normal(size=(N, D)), rng.normal(size=(H, D)), rng.normal(size=H)
    dout = rng.normal(size=(N, H))
    x_t, W_t, b_t = torch_leaves("cpu", x, W, b)
    F.linear(x_t, W_t, b_t).backward(to_torch(dout))
    out, cache = forward(x, W, b)
    yield "out", out, F.linear(*torch_leaves("cpu", x, W, b))
    dx, dW, db = backward(dout, cache)
    yield from [("dx", dx, x_t.grad), ("dW", dW, W_t.grad), ("db", db, b_t.grad)]


ACTIVATIONS = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def check_activations(*functions):
    """functions: relu_forward, relu_backward, sigmoid_forward, …（按 ACTIVATIONS 的顺序）。"""
    rng = hidden_rng(2)
    x = rng.normal(size=tuple(rng.integers(2, 6, size=3))) * 3
    x += np.where(x >= 0, 0.1, -0.1)  # 离开 ReLU 的拐点
    dout = rng.normal(size=x.shape)
    for k, (name, torch_fn) in enumerate(ACTIVATIONS.items()):
        (x_t,) = torch_leaves("cpu", x)
        out_t = torch_fn(x_t)
        out_t.backward(to_torch(dout))
        out, cache = functions[2 * k](x)
        yield f"{name} out", out, out_t
        yield f"{name} dx", functions[2 * k + 1](dout, cache), x_t.grad


def check_softmax_ce_layer(loss_fn):
    rng = hidden_rng(3)
    N, K = rng.integers(2, 9, size=2)
    logits, y = 5 * rng.normal(size=(N, K)), rng.integers(0, K, size=N)
    # 第二遍检查数值稳定：±1000 量级的 logits 也要有限且正确
    for scale, note in ((1, ""), (1000, "（logits 放大 1000 倍）")):
        (logits_t,) = torch_leaves("cpu", scale * logits)
        loss_t = F.cross_entropy(logits_t, torch.tensor(y))
        loss_t.backward()
        loss, dlogits = loss_fn(scale * logits, y)
        yield f"loss{note}", loss, loss_t
        yield f"dlogits{note}", dlogits, logits_t.grad


def check_conv2d_layer(forward, backward):
    rng = hidden_rng(4)
    x, W, b, options = random_conv_problem(rng, N=2)
    x_t, W_t, b_t = torch_leaves("cpu", x, W, b)
    out_t = F.conv2d(x_t, W_t, b_t, **options)
    dout = rng.normal(size=out_t.shape)
    out_t.backward(to_torch(dout))
    out, cache = forward(x, W, b, **options)
    yield "out", out, out_t
    dx, dW, db = backward(dout, cache)
    yield from [("dx", dx, x_t.grad), ("dW", dW, W_t.grad), ("db", db, b_t.grad)]


def check_max_pool_layer(forward, backward):
    rng = hidden_rng(5)
    N, C = rng.integers(2, 4, size=2)
    kernel, stride = (3, 2), (2, 1)  # 窗口重叠：一个像素可以从几个窗口各收到梯度
    H, W_in = rng.integers(5, 10, size=2)
    x = rng.permutation(N * C * H * W_in).reshape(N, C, H, W_in) / 7.0  # 互不相同：没有并列
    (x_t,) = torch_leaves("cpu", x)
    out_t = F.max_pool2d(x_t, kernel, stride)
    dout = rng.normal(size=out_t.shape)
    out_t.backward(to_torch(dout))
    out, cache = forward(x, kernel, stride)
    yield "out", out, out_t
    yield "dx", backward(dout, cache), x_t.grad


def check_recurrent_layer(kind):
    state_names = ["dh0", "dc0"] if kind == "lstm" else ["dh0"]

    def checker(forward, backward):
        rng = hidden_rng(6 if kind == "rnn" else 7)
        x, initial, weights = random_recurrent_problem(kind, rng)
        layer = torch_recurrent(kind, *weights, "cpu")
        x_t, *initial_t = torch_leaves("cpu", x, *[s[None] for s in initial])
        hs_t, _ = layer(x_t, tuple(initial_t) if kind == "lstm" else initial_t[0])
        dhs = rng.normal(size=hs_t.shape)
        hs_t.backward(to_torch(dhs))
        hs, cache = forward(x, *initial, *weights)
        yield "hs", hs, hs_t
        grads = backward(dhs, cache)
        params = [
            getattr(layer, f"{n}_l0").grad for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        ]
        names = ["dx", *state_names, "dW_ih", "dW_hh", "db_ih", "db_hh"]
        references = [x_t.grad, *[s.grad[0] for s in initial_t], *params]
        yield from zip(names, grads, references)

    return checker


def check_bce_layer(loss_fn):
    rng = hidden_rng(8)
    shape = tuple(rng.integers(2, 7, size=2))
    logits, targets = 3 * rng.normal(size=shape), rng.uniform(size=shape)  # 软标签
    # 第二遍检查数值稳定：±1000 量级的 logits 也要有限且正确
    for scale, note in ((1, ""), (1000, "（logits 放大 1000 倍）")):
        (logits_t,) = torch_leaves("cpu", scale * logits)
        loss_t = F.binary_cross_entropy_with_logits(logits_t, to_torch(targets))
        loss_t.backward()
        loss, dlogits = loss_fn(scale * logits, targets)
        yield f"loss{note}", loss, loss_t
        yield f"dlogits{note}", dlogits, logits_t.grad


MLP_LAYERS = 3  # 两个隐藏层：反向传播要穿过两次 ReLU


def check_mlp_layer(forward, backward):
    rng = hidden_rng(9)
    sizes = rng.integers(2, 9, size=MLP_LAYERS + 1)
    N = rng.integers(2, 9)
    params = random_mlp(sizes, rng)
    x = rng.normal(size=(N, sizes[0]))
    dout = rng.normal(size=(N, sizes[-1]))
    module = torch_mlp(params)
    (x_t,) = torch_leaves("cpu", x)
    out_t = module(x_t)
    out_t.backward(to_torch(dout))
    out, caches = forward(params, x)
    yield "out", out, out_t
    dx, grads = backward(dout, caches)
    yield "dx", dx, x_t.grad
    yield from mlp_items("", grads, module)


GAN_LAYERS = 2  # 生成器与判别器各一个隐藏层
GENERATOR_LOSSES = ("ns", "minimax")


def gan_problem():
    """隐藏的 GAN 输入：各维度随机的 G、D（各一个隐藏层，偏置非零）、真样本与 z。"""
    rng = hidden_rng(10)
    latent, data, hidden_g, hidden_d = rng.integers(2, 9, size=4)
    G = random_mlp([latent, hidden_g, data], rng)
    D = random_mlp([data, hidden_d, 1], rng)
    x_real = rng.normal(size=(rng.integers(2, 9), data))
    z = rng.normal(size=(rng.integers(2, 9), latent))
    return G, D, x_real, z


def check_discriminator_layer(discriminator):
    """判别器的损失与梯度：假样本那一半不求 G 的梯度（torch 里是 detach）。"""
    G, D, x_real, z = gan_problem()
    loss_t, D_t = torch_discriminator_loss(D, G, x_real, z)
    loss, grads = discriminator(D, G, x_real, z)
    yield "D: 损失", loss, loss_t
    yield from mlp_items("D: ", grads, D_t)


def check_generator_layer(generator):
    """两种生成器损失（ns、minimax）的值与 G 的梯度：梯度穿过 D 传回 G。"""
    G, D, _, z = gan_problem()
    for kind in GENERATOR_LOSSES:
        loss_t, G_t = torch_generator_loss(D, G, z, kind)
        loss, grads = generator(D, G, z, kind)
        yield f"G（{kind}）: 损失", loss, loss_t
        yield from mlp_items(f"G（{kind}）: ", grads, G_t)


def layer_items(prefix, layers):
    return tuple(f"{prefix}d{kind}{k}" for k in range(layers) for kind in ("W", "b"))


LAYER_EXERCISES = {
    "3.1-linear": Exercise(
        "全连接层",
        ("linear_forward", "linear_backward"),
        check_linear_layer,
        ("out", "dx", "dW", "db"),
    ),
    "3.1-activations": Exercise(
        "激活函数",
        tuple(f"{n}_{d}" for n in ACTIVATIONS for d in ("forward", "backward")),
        check_activations,
        tuple(f"{n} {q}" for n in ACTIVATIONS for q in ("out", "dx")),
    ),
    "3.1-softmax-ce": Exercise(
        "softmax 交叉熵",
        ("softmax_cross_entropy",),
        check_softmax_ce_layer,
        ("loss", "dlogits", "loss×1000", "dlogits×1000"),
    ),
    "3.2-conv2d": Exercise(
        "卷积层",
        ("conv2d_forward", "conv2d_backward"),
        check_conv2d_layer,
        ("out", "dx", "dW", "db"),
    ),
    "3.2-max-pool": Exercise(
        "最大池化",
        ("max_pool2d_forward", "max_pool2d_backward"),
        check_max_pool_layer,
        ("out", "dx"),
    ),
    "3.3-rnn": Exercise(
        "RNN 层",
        ("rnn_forward", "rnn_backward"),
        check_recurrent_layer("rnn"),
        ("hs", "dx", "dh0", "dW_ih", "dW_hh", "db_ih", "db_hh"),
    ),
    "3.3-lstm": Exercise(
        "LSTM 层",
        ("lstm_forward", "lstm_backward"),
        check_recurrent_layer("lstm"),
        ("hs", "dx", "dh0", "dc0", "dW_ih", "dW_hh", "db_ih", "db_hh"),
    ),
    "3.4-bce": Exercise(
        "数值稳定的二元交叉熵",
        ("bce_with_logits",),
        check_bce_layer,
        ("loss", "dlogits", "loss×1000", "dlogits×1000"),
    ),
    "3.4-mlp": Exercise(
        "多层感知机",
        ("mlp_forward", "mlp_backward"),
        check_mlp_layer,
        ("out", "dx", *layer_items("", MLP_LAYERS)),
    ),
    "3.4-discriminator": Exercise(
        "判别器的损失与梯度",
        ("discriminator_loss_and_grads",),
        check_discriminator_layer,
        ("D: 损失", *layer_items("D: ", GAN_LAYERS)),
    ),
    "3.4-generator": Exercise(
        "生成器的两种损失与梯度",
        ("generator_loss_and_grads",),
        check_generator_layer,
        tuple(
            name
            for kind in GENERATOR_LOSSES
            for name in (f"G（{kind}）: 损失", *layer_items(f"G（{kind}）: ", GAN_LAYERS))
        ),
    ),
}
EXERCISES.update(LAYER_EXERCISES)


@dataclass(frozen=True)
class CheckResult:
    """一次检查的结果：逐项对照里通过了几项（``passed_items`` / ``total_items``）和中文反馈。

    可以当布尔值用（``if check(...):``，全部通过时为真）；``score`` 是 0 到 1 之间的得分。
    作为笔记本单元的最后一个表达式时不再多显示一行——反馈已经打印过了。
    """

    exercise_id: str
    passed_items: int
    total_items: int
    feedback: str
    status: str  # "全部正确" / "部分正确" / "不正确"（一项也没对） / "未完成" / "出错"

    @property
    def score(self):
        return self.passed_items / self.total_items

    def __bool__(self):
        return self.passed_items == self.total_items

    def _ipython_display_(self):
        pass


def zero_hint(ours, reference):
    if not np.any(ours) and np.any(np.abs(reference) > 1e-12):
        return "\n    提示：你的结果全是 0——像是漏掉了这一项（直接写成了 0），而不是差一个常数倍。"
    return ""


def nonfinite_hint(ours, reference):
    if np.all(np.isfinite(ours)) or not np.all(np.isfinite(reference)):
        return ""
    return (
        "\n    提示：你的结果里有 inf 或 nan，正确值都是有限的——多半是 exp 上溢或 log(0)，"
        "换成数值稳定的写法（本节推导过）。"
    )


def factor_hint(ours, reference):
    nonzero = np.abs(reference) > 1e-12
    if nonzero.sum() < 2:
        return ""  # 只有一个数时，任何两个数都“差一个常数倍”，这个提示没有信息
    ratios = ours[nonzero] / reference[nonzero]
    ratio = ratios[0]
    if np.isclose(ratio, 0.0) or np.isclose(ratio, 1.0):
        return ""  # 全是 0 由 zero_hint 说明
    if not np.allclose(ratios, ratio, rtol=1e-6):
        return ""
    if np.isclose(ratio, -1.0):
        return "\n    提示：你的结果处处与正确值差一个负号。"
    return f"\n    提示：你的结果处处是正确值的 {ratio:.4g} 倍——检查求平均 / 求和或某个常数因子。"


def transpose_hint(ours, reference):
    """方阵（或前两个轴等长的 4 维权重）转置后形状不变，只能从数值上认出来。"""
    if ours.ndim < 2 or ours.shape[0] != ours.shape[1]:
        return ""
    if np.allclose(ours, reference.swapaxes(0, 1)):
        what = "转置" if ours.ndim == 2 else "前两个轴对调（输出与输入通道互换）"
        return f"\n    提示：你的结果正好是正确值的{what}——形状相同，所以只能从数值上看出来。"
    return ""


def shape_hint(ours_shape, reference_shape):
    if len(ours_shape) < 2 or ours_shape == reference_shape:
        return ""
    swapped = (reference_shape[1], reference_shape[0], *reference_shape[2:])
    if ours_shape == swapped or (len(ours_shape) == 2 and ours_shape == reference_shape[::-1]):
        return "（像是转置了：前两个轴对调）"
    return ""


def diagnose(name, ours, reference):
    """一项不通过时，说明哪里不对（不透露答案）。通过时返回 None。"""
    reference = to_numpy(reference)
    if ours is None:
        return f"{name}：你的函数没有给出这一项（得到 None）。"
    if np.isscalar(ours):
        ours = np.asarray(ours)
    if not isinstance(ours, np.ndarray):
        return f"{name}：应为 NumPy 数组，你的是 {type(ours).__name__}。"
    if ours.shape != reference.shape:
        hint = shape_hint(ours.shape, reference.shape)
        return f"{name}：形状应为 {reference.shape}，你的是 {ours.shape}{hint}。"
    row = compare(name, ours, reference)
    if row.passed:
        return None
    ours = ours.astype(np.float64)
    where = np.unravel_index(np.argmax(np.abs(ours - reference)), reference.shape)
    message = (
        f"{name}：数值不对，最大绝对误差 {row.max_abs:.2e}，"
        f"例如位置 {tuple(int(i) for i in where)} 应为 {reference[where]:.6g}，"
        f"你的是 {ours[where]:.6g}。"
    )
    hints = (nonfinite_hint, zero_hint, transpose_hint, factor_hint)
    return message + next((h for h in (hint(ours, reference) for hint in hints) if h), "")


LIBRARY_DIRS = tuple(
    str(Path(sysconfig.get_paths()[key]).resolve()) for key in ("stdlib", "purelib", "platlib")
) + (str(Path(__file__).resolve().parent),)


def student_frame(error):
    """回溯里最后一个不属于 lesson_utils、标准库或第三方库的帧，即学生自己的那一行。"""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if not str(Path(f.filename).resolve()).startswith(LIBRARY_DIRS)
    ]
    return frames[-1] if frames else None


def describe_error(error):
    """学生函数抛出的异常 → 一句中文，指出出错的是学生代码的哪一行。"""
    if isinstance(error, StudentCodeError):
        return str(error)  # 已经在学生的内核里描述好了（见 lesson_utils.grade）
    frame = student_frame(error)
    where = ""
    if frame is not None:
        line = (frame.line or "").strip()
        where = f"\n    出错的是你的 {frame.name} 的第 {frame.lineno} 行：{line}"
    if isinstance(error, NotImplementedError):
        name = f" {frame.name}" if frame is not None else ""
        return f"还没有完成：你的函数{name} 里还有 raise NotImplementedError()。"
    return f"运行你的函数时出错——{type(error).__name__}: {error}{where}"


class StudentCodeError(Exception):
    """在另一个进程（学生的内核）里运行学生函数时出的错，消息已是中文描述。"""


def borrowed_reference(function):
    """function 是不是直接拿来的 lesson_utils 参考实现；是就返回一句中文说明，否则返回 None。

    只认得直接 import 进来的函数：学生自己写一个包装去调用参考实现，这里看不出来。
    """
    module = getattr(function, "__module__", None) or ""
    if inspect.isfunction(function) and module.startswith("lesson_utils."):
        return (
            f"{function.__name__} 是本书 {module} 里现成的实现，不是你写的——"
            "这道题要在笔记本里自己实现它，不计分。"
        )
    return None


def evaluate(exercise_id, *functions):
    """运行检查器，返回 CheckResult（不打印）。"""
    if exercise_id not in EXERCISES:
        raise ValueError(f"check: 没有编号为 {exercise_id!r} 的练习，已有：{', '.join(EXERCISES)}")
    exercise = EXERCISES[exercise_id]
    header = f"练习 {exercise_id}（{exercise.title}）"
    if len(functions) != len(exercise.functions):
        raise ValueError(
            f"check: {header} 需要 {len(exercise.functions)} 个函数 "
            f"({', '.join(exercise.functions)})，实际传入了 {len(functions)} 个"
        )
    borrowed = [b for b in map(borrowed_reference, functions) if b]
    if borrowed:
        total = len(exercise.items)
        feedback = "\n".join([f"{header}：0/{total} 项计分。", *("  ✗ " + b for b in borrowed)])
        return CheckResult(exercise_id, 0, total, feedback, "出错")
    # 学生代码的溢出等警告不打印：inf / nan 由逐项对照指出；写到 stderr 的警告还会让
    # nbgrader 把整个测试单元记 0 分（它把写了 stderr 的单元当作出错）
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return run_items(exercise_id, header, exercise.items, exercise.checker(*functions))


def run_items(exercise_id, header, item_names, items):
    """逐项取出 (名字, 学生的结果, 参考结果) 并判定。
    中途出错时，已交出的项照常判定，其余记为未通过。"""
    problems, done, error = [], 0, None
    try:
        for item in items:
            done += 1
            problem = diagnose(*item)
            if problem is not None:
                problems.append(problem)
    except Exception as exc:  # noqa: BLE001 —— 学生代码里的任何错误都要变成反馈，而不是一长串回溯
        done, error = done, exc
    total = len(item_names)
    passed = done - len(problems)
    lines = []
    if error is None and not problems:
        status = "全部正确"
        lines.append(f"{header}：全部 {total} 项与 PyTorch 一致。")
    else:
        unfinished = isinstance(error, NotImplementedError) or (
            isinstance(error, StudentCodeError) and "NotImplementedError" in str(error)
        )
        if unfinished:
            status = "未完成"
        elif error is not None:
            status = "出错"
        else:
            status = "部分正确" if passed else "不正确"
        lines.append(f"{header}：{passed}/{total} 项正确。")
        lines += ["  ✗ " + p for p in problems]
        if error is not None:
            skipped = "、".join(item_names[done:]) if done < total else ""
            lines.append("  ✗ " + describe_error(error))
            if skipped:
                lines.append(f"    因此没有检查：{skipped}。写好之后重新运行这个单元。")
    return CheckResult(exercise_id, passed, total, "\n".join(lines), status)


def check(exercise_id, *functions):
    """检查一个编程练习，打印中文反馈；返回 CheckResult（全部通过时为真，带通过的项数）。"""
    result = evaluate(exercise_id, *functions)
    print(result.feedback)
    return result
