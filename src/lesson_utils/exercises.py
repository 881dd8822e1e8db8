"""编程练习的自动检查。在笔记本里写好函数后运行
``check("3.2-3", conv1x1_forward, conv1x1_backward)``。

每个检查器用随机输入运行你的函数，与 PyTorch 的自动求导逐项对照，用中文指出哪一项不对：
形状错了就说形状，数值错了就说差多少、在哪个位置，常见的错误（差一个常数倍、差一个转置）会给出提示
（反馈引擎在 lesson_utils.feedback）。检查器只用 PyTorch 作参考（lesson_utils.references），
不含参考答案，可以原样发给学生（见“教师指南”）。
还没写的函数（``raise NotImplementedError()``）会被礼貌地报告为“还没有完成”。
"""

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from lesson_utils.compare import to_torch
from lesson_utils.feedback import CheckResult, borrowed_reference, run_items
from lesson_utils.references import (
    ACTIVATIONS,
    GENERATOR_LOSSES,
    activation_items,
    bce_items,
    conv2d_items,
    conv_transpose2d_items,
    discriminator_items,
    generator_items,
    linear_items,
    mlp_items,
    pool_items,
    random_gan_problem,
    random_mlp,
    recurrent_items,
    softmax_ce_items,
    torch_leaves,
    torch_mlp,
    torch_recurrent,
)


@dataclass(frozen=True)
class Exercise:
    title: str
    functions: tuple  # 学生要写的函数名，按 check 的参数顺序
    checker: Callable  # checker(*functions) 逐项交出 (量的名字, 学生的结果, 参考结果)
    items: tuple  # 各项的名字，按交出的顺序；得分 = 通过的项数 / len(items)


# ---------------------------------------------------------------- 3.1
# 每个检查器返回一个生成器：先算好参考值，再调用学生的前向、交出前向的各项，最后调用反向。
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


def check_mlp_direct(loss_and_grads):
    """带直连的 MLP 语言模型（Bengio 等，2003）：损失与六个参数的梯度，与 torch 的自动求导对照。"""
    rng = np.random.default_rng(9)
    V, k, D, H, N = 9, 3, 4, 5, 8
    params = {
        "C": rng.normal(size=(V, D)),
        "W1": rng.normal(size=(H, k * D)) / 2,
        "b1": rng.normal(size=H),
        "W2": rng.normal(size=(V, H)) / 2,
        "b2": rng.normal(size=V),
        "Wd": rng.normal(size=(V, k * D)) / 2,
    }
    X = rng.integers(0, V, size=(N, k))
    X[0] = [2, 2, 5]  # 同一个字在一个窗口里出现两次
    y = rng.integers(0, V, size=N)
    leaves = dict(zip(params, torch_leaves("cpu", *params.values())))
    e = F.embedding(torch.tensor(X), leaves["C"]).reshape(N, -1)
    h = torch.tanh(F.linear(e, leaves["W1"], leaves["b1"]))
    logits = F.linear(h, leaves["W2"], leaves["b2"]) + e @ leaves["Wd"].T
    loss_t = F.cross_entropy(logits, torch.tensor(y))
    loss_t.backward()
    loss, grads = loss_and_grads({name: p.copy() for name, p in params.items()}, X.copy(), y.copy())
    grads = grads if isinstance(grads, dict) else {}  # 不是字典时各项报告“没有给出这一项”
    yield "损失", np.asarray(loss), loss_t
    for name in params:
        yield f"d{name}", grads.get(name), leaves[name].grad


# ---------------------------------------------------------------- 3.4
def check_smoothed_discriminator(loss_and_grads):
    rng = np.random.default_rng(7)
    G, D = random_mlp([2, 8, 2], rng), random_mlp([2, 8, 1], rng)
    problem = G, D, rng.normal(size=(16, 2)), rng.normal(size=(16, 2))
    return discriminator_items(loss_and_grads, problem, prefix="", real_label=0.9)


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
    "3.3-7": Exercise(
        "带直连的 MLP 语言模型",
        ("mlp_direct_loss_and_grads",),
        check_mlp_direct,
        ("损失", "dC", "dW1", "db1", "dW2", "db2", "dWd"),
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
# 学生从 `#| export` 单元生成的桩开始（book_tools.layer_assignments），自己写出本章的核心函数。
# 形状随机、与笔记本里演示的例子不同；HIDDEN_SEED 决定形状，批改时可以换（make grade SEED=…）。
HIDDEN_SEED = 2024


def hidden_rng(salt):
    return np.random.default_rng([HIDDEN_SEED, salt])


def check_linear_layer(forward, backward):
    return linear_items(forward, backward, hidden_rng(1), sizes=(2, 9))


def check_activations(*functions):
    """functions: relu_forward, relu_backward, sigmoid_forward, …（按 ACTIVATIONS 的顺序）。"""
    pairs = {name: functions[2 * k : 2 * k + 2] for k, name in enumerate(ACTIVATIONS)}
    return activation_items(pairs, hidden_rng(2), sizes=(2, 6), ndims=(3, 4), scales=(3,))


def check_softmax_ce_layer(loss_fn):
    return softmax_ce_items(loss_fn, hidden_rng(3), sizes=(2, 9), scales=(1, 1000))


def check_conv2d_layer(forward, backward):
    return conv2d_items(forward, backward, hidden_rng(4), N=2)


def check_conv_transpose_layer(forward, backward):
    # 步幅、补零与 output_padding 都随机（output_padding 小于步幅）
    return conv_transpose2d_items(forward, backward, hidden_rng(11), N=2)


def check_max_pool_layer(forward, backward):
    # 窗口重叠（步幅小于窗口）：一个像素可以从几个窗口各收到梯度
    rng = hidden_rng(5)
    return pool_items("max", forward, backward, rng, sizes=(2, 4), kernel=(3, 2), stride=(2, 1))


def check_recurrent_layer(kind):
    def checker(forward, backward):
        return recurrent_items(kind, forward, backward, hidden_rng(6 if kind == "rnn" else 7))

    return checker


def check_bce_layer(loss_fn):
    return bce_items(loss_fn, hidden_rng(8), sizes=(2, 7), ndims=(2, 3), scales=(1, 1000))


MLP_LAYERS = 3  # 两个隐藏层：反向传播要穿过两次 ReLU


def check_mlp_layer(forward, backward):
    return mlp_items(forward, backward, hidden_rng(9), sizes=(2, 9), layers=MLP_LAYERS)


GAN_LAYERS = 2  # 生成器与判别器各一个隐藏层


def gan_problem():
    """隐藏的 GAN 输入：各维度随机的 G、D（各一个隐藏层，偏置非零）、真样本与 z。"""
    return random_gan_problem(hidden_rng(10), sizes=(2, 9), hidden_layers=GAN_LAYERS - 1)


def check_discriminator_layer(discriminator):
    """判别器的损失与梯度：假样本那一半不求 G 的梯度（torch 里是 detach）。"""
    return discriminator_items(discriminator, gan_problem())


def check_generator_layer(generator):
    """两种生成器损失（ns、minimax）的值与 G 的梯度：梯度穿过 D 传回 G。"""
    return generator_items(generator, gan_problem())


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
    "3.2-conv-transpose2d": Exercise(
        "转置卷积",
        ("conv_transpose2d_forward", "conv_transpose2d_backward"),
        check_conv_transpose_layer,
        ("out", "dx", "dW", "db"),
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


def check(exercise_id, *functions):
    """检查一个编程练习，打印中文反馈；返回 CheckResult（全部通过时为真，带通过的项数）。"""
    result = evaluate(exercise_id, *functions)
    print(result.feedback)
    return result
