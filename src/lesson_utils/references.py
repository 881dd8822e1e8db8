"""PyTorch 参考实现：本书每个 NumPy 层在 torch 里的同一计算，以及把一份实现与它逐项对照的比较。

``make verify``（lesson_utils.verify）、练习与“亲手实现各层”作业的检查器（lesson_utils.exercises）、
速度基准（lesson_utils.bench）和笔记本都从这里取参考值，每个参考只写一次。

每个 ``*_items`` 比较是一个生成器：先用 rng 造出随机输入、在 torch 里算好参考值，再调用被检查的
前向、交出前向的各项，最后调用反向、交出每一个梯度——每项是 (量的名字, 被检查的结果, torch 的结果)。
所以反向还没写（或出错）时，前向照样得到判定。被检查的可以是 ``lesson_utils.nn``（make verify），
也可以是学生写的函数（检查器）；形状的范围由调用者给（检查器用与书里演示不同的形状）。
约定（float64、随机上游梯度、非零偏置与初始状态、离开拐点）见 ARCHITECTURE.md 的“验证约定”。
"""

import numpy as np
import torch
import torch.nn.functional as F

from lesson_utils.compare import to_torch


# ---------------------------------------------------------------- torch 一侧的积木
def torch_leaves(device, *arrays):
    """NumPy 数组 → 自动求导的叶子张量（同 dtype，在 device 上）。"""
    return [to_torch(a, device, requires_grad=True) for a in arrays]


RECURRENT = {  # 名称: (门的个数, torch 模块)
    "rnn": (1, torch.nn.RNN),
    "lstm": (4, torch.nn.LSTM),
    "gru": (3, torch.nn.GRU),
}


def torch_recurrent(kind, W_ih, W_hh, b_ih, b_hh, device="cpu"):
    """建一个单层的 torch.nn.RNN / LSTM / GRU，把我们的四个参数数组原样复制进去（布局相同）。"""
    _, module = RECURRENT[kind]
    layer = module(W_ih.shape[1], W_hh.shape[1]).to(device=device, dtype=to_torch(W_ih).dtype)
    with torch.no_grad():
        for name, value in zip(
            ("weight_ih", "weight_hh", "bias_ih", "bias_hh"), (W_ih, W_hh, b_ih, b_hh)
        ):
            getattr(layer, f"{name}_l0").copy_(to_torch(value, device))
    return layer


def torch_mlp(params, device="cpu"):
    """{W0, b0, W1, b1, …} 的多层感知机（线性层与 ReLU 交替，最后一层不加激活）在 torch 里的副本，
    权重原样复制；与 3.4 节的 mlp_forward 结构相同。"""
    layers = []
    for k in range(len(params) // 2):
        W = params[f"W{k}"]
        linear = torch.nn.Linear(W.shape[1], W.shape[0]).to(device=device, dtype=to_torch(W).dtype)
        with torch.no_grad():
            linear.weight.copy_(to_torch(W, device))
            linear.bias.copy_(to_torch(params[f"b{k}"], device))
        layers += [linear, torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])  # 去掉最后一个 ReLU


def torch_mlp_grads(module):
    """torch_mlp 副本里各参数的梯度，按 mlp_backward 的命名：{"W0": …, "b0": …, "W1": …}。"""
    grads = {}
    for k, linear in enumerate(module[::2]):
        grads[f"W{k}"], grads[f"b{k}"] = linear.weight.grad, linear.bias.grad
    return grads


def torch_discriminator_loss(D, G, x_real, z, device="cpu", real_label=1.0):
    """判别器损失 BCE(D(x), real_label) + BCE(D(G(z)), 0) 在 torch 里算一遍并反向传播。

    假样本 detach（判别器这一步不求 G 的梯度）。返回 (损失, D 的 torch 副本)：梯度在副本的参数上。
    """
    G_t, D_t = torch_mlp(G, device), torch_mlp(D, device)
    logits_real = D_t(to_torch(x_real, device))
    logits_fake = D_t(G_t(to_torch(z, device)).detach())
    loss_t = F.binary_cross_entropy_with_logits(
        logits_real, torch.full_like(logits_real, real_label)
    ) + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    loss_t.backward()
    return loss_t, D_t


def torch_generator_loss(D, G, z, kind, device="cpu"):
    """生成器损失在 torch 里算一遍并反向传播（梯度穿过 D）。kind="ns"：−log D(G(z))；
    "minimax"：log(1 − D(G(z)))，用 log1p(−sigmoid) 直接照定义写。返回 (损失, G 的 torch 副本)。"""
    G_t, D_t = torch_mlp(G, device), torch_mlp(D, device)
    logits = D_t(G_t(to_torch(z, device)))
    if kind == "ns":
        loss_t = F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    else:
        loss_t = torch.log1p(-torch.sigmoid(logits)).mean()
    loss_t.backward()
    return loss_t, G_t


# ---------------------------------------------------------------- 随机输入
def random_mlp(sizes, rng):
    """与 3.4 节 init_mlp 同样布局（W0, b0, W1, b1, …）的随机参数，偏置非零。"""
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"W{k}"] = rng.normal(size=(fan_out, fan_in)) / np.sqrt(fan_in)
        params[f"b{k}"] = 0.1 * rng.normal(size=fan_out)
    return params


def random_conv_problem(rng, N=None):
    """随机的卷积输入：非正方形核、高宽不同的步幅与补零。返回 (x, W, b, {stride, padding})。"""
    N = int(rng.integers(1, 5)) if N is None else N
    C, filters = rng.integers(1, 5, size=2)
    kh, kw = rng.integers(1, 5, size=2)
    sh, sw = rng.integers(1, 4, size=2)
    ph, pw = rng.integers(0, 3, size=2)
    H = rng.integers(max(1, kh - 2 * ph), 12)
    W_in = rng.integers(max(1, kw - 2 * pw), 12)
    x, W = rng.normal(size=(N, C, H, W_in)), rng.normal(size=(filters, C, kh, kw))
    b = rng.normal(size=filters)
    return x, W, b, dict(stride=(int(sh), int(sw)), padding=(int(ph), int(pw)))


def random_conv_transpose_problem(rng, N=None):
    """随机的转置卷积输入：非正方形核、高宽不同的步幅、补零与 output_padding（小于步幅），
    输出高宽至少为 1。返回 (x, W, b, {stride, padding, output_padding})。"""
    N = int(rng.integers(1, 5)) if N is None else N
    C_in, C_out = rng.integers(1, 5, size=2)
    kernel = rng.integers(1, 5, size=2)
    stride = rng.integers(1, 4, size=2)
    output_padding = [int(rng.integers(0, s)) for s in stride]
    padding, size = [], []
    for k, s, op in zip(kernel, stride, output_padding):
        p = int(rng.integers(0, 3))
        # 输出 (n − 1)·s − 2p + k + op ≥ 1：n 从满足它的最小值起
        n_min = max(1, -(-(2 * p - k - op + 1) // s) + 1)
        padding.append(p)
        size.append(int(rng.integers(n_min, n_min + 6)))
    x = rng.normal(size=(N, C_in, *size))
    W = rng.normal(size=(C_in, C_out, *kernel))
    b = rng.normal(size=C_out)
    options = dict(
        stride=tuple(int(s) for s in stride),
        padding=tuple(padding),
        output_padding=tuple(output_padding),
    )
    return x, W, b, options


def random_recurrent_problem(kind, rng):
    """随机形状的循环层输入：(x, 初始状态列表, [W_ih, W_hh, b_ih, b_hh])，偏置与初始状态非零。"""
    gates = RECURRENT[kind][0]
    T, N, D, H = rng.integers(1, 9, size=4)
    x = rng.normal(size=(T, N, D))
    initial = [rng.normal(size=(N, H)) for _ in range(2 if kind == "lstm" else 1)]
    weights = [
        rng.normal(size=(gates * H, D)) / np.sqrt(D),
        rng.normal(size=(gates * H, H)) / np.sqrt(H),
        rng.normal(size=gates * H),
        rng.normal(size=gates * H),
    ]
    return x, initial, weights


def random_gan_problem(rng, sizes=(1, 9), hidden_layers=None):
    """随机的 GAN 输入 (G, D, x_real, z)：各维度在 sizes 范围内，G 与 D 各有 hidden_layers 个隐藏层
    （None 时随机取 1 或 2 个），偏置非零。"""
    latent, data = rng.integers(*sizes, size=2)

    def hidden():
        count = rng.integers(1, 3) if hidden_layers is None else hidden_layers
        return list(rng.integers(*sizes, size=count))

    G = random_mlp([latent, *hidden(), data], rng)
    D = random_mlp([data, *hidden(), 1], rng)
    x_real = rng.normal(size=(rng.integers(*sizes), data))
    z = rng.normal(size=(rng.integers(*sizes), latent))
    return G, D, x_real, z


# ---------------------------------------------------------------- 逐项对照
def linear_items(forward, backward, rng, device="cpu", sizes=(1, 20)):
    """全连接层 x @ W.T + b（F.linear）：out、dx、dW、db。"""
    N, D, H = rng.integers(*sizes, size=3)
    x, W, b = rng.normal(size=(N, D)), rng.normal(size=(H, D)), rng.normal(size=H)
    dout = rng.normal(size=(N, H))
    x_t, W_t, b_t = torch_leaves(device, x, W, b)
    out_t = F.linear(x_t, W_t, b_t)
    out_t.backward(to_torch(dout, device))
    out, cache = forward(x, W, b)
    yield "out", out, out_t
    dx, dW, db = backward(dout, cache)
    yield from [("dx", dx, x_t.grad), ("dW", dW, W_t.grad), ("db", db, b_t.grad)]


ACTIVATIONS = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}


def activation_items(
    functions, rng, device="cpu", sizes=(1, 8), ndims=(1, 4), scales=(1, 30, 1000)
):
    """functions: {"relu": (前向, 反向), …}。每个激活函数的 out 与 dx，输入相同。

    输入的形状随机（ndims 个轴、每轴 sizes 个元素），尺度从 scales 里取（也试饱和区与极大的输入），
    并离开 ReLU 的拐点（x = 0 处的导数只是约定）。"""
    shape = tuple(int(n) for n in rng.integers(*sizes, size=rng.integers(*ndims)))
    x = rng.choice(scales) * rng.normal(size=shape)
    x += np.where(x >= 0, 0.01, -0.01)
    dout = rng.normal(size=shape)
    for name, (forward, backward) in functions.items():
        (x_t,) = torch_leaves(device, x)
        out_t = ACTIVATIONS[name](x_t)
        out_t.backward(to_torch(dout, device))
        out, cache = forward(x)
        yield f"{name} out", out, out_t
        yield f"{name} dx", backward(dout, cache), x_t.grad


def scale_note(scale):
    return "" if scale == 1 else f"（logits 放大 {scale:g} 倍）"


def softmax_ce_items(loss_fn, rng, device="cpu", sizes=(1, 20), scales=(1, 1000)):
    """softmax 交叉熵（F.cross_entropy，对 N 取平均）：同一组 logits 乘上每个尺度各检查一遍，
    ±1000 量级的 logits 也要有限且正确（数值稳定）。"""
    N, K = rng.integers(*sizes, size=2)
    logits, y = 5 * rng.normal(size=(N, K)), rng.integers(0, K, size=N)
    for scale in scales:
        (logits_t,) = torch_leaves(device, scale * logits)
        loss_t = F.cross_entropy(logits_t, torch.tensor(y, device=device))
        loss_t.backward()
        loss, dlogits = loss_fn(scale * logits, y)
        yield f"loss{scale_note(scale)}", loss, loss_t
        yield f"dlogits{scale_note(scale)}", dlogits, logits_t.grad


def bce_items(loss_fn, rng, device="cpu", sizes=(2, 7), ndims=(2, 3), scales=(1, 1000), hard=False):
    """带 logits 的二元交叉熵（F.binary_cross_entropy_with_logits，取平均）。目标默认是软标签
    （0 到 1 之间），hard=True 时是 0/1；同一组 logits 乘上每个尺度各检查一遍（数值稳定）。"""
    shape = tuple(int(n) for n in rng.integers(*sizes, size=rng.integers(*ndims)))
    logits, targets = 3 * rng.normal(size=shape), rng.uniform(size=shape)
    if hard:
        targets = np.round(targets)
    for scale in scales:
        (logits_t,) = torch_leaves(device, scale * logits)
        loss_t = F.binary_cross_entropy_with_logits(logits_t, to_torch(targets, device))
        loss_t.backward()
        loss, dlogits = loss_fn(scale * logits, targets)
        yield f"loss{scale_note(scale)}", loss, loss_t
        yield f"dlogits{scale_note(scale)}", dlogits, logits_t.grad


def weighted_layer_items(torch_op, problem, forward, backward, rng, device):
    """有权重与偏置的层（卷积、转置卷积）：problem = (x, W, b, options)；out、dx、dW、db。"""
    x, W, b, options = problem
    x_t, W_t, b_t = torch_leaves(device, x, W, b)
    out_t = torch_op(x_t, W_t, b_t, **options)
    dout = rng.normal(size=tuple(out_t.shape))
    out_t.backward(to_torch(dout, device))
    out, cache = forward(x, W, b, **options)
    yield "out", out, out_t
    dx, dW, db = backward(dout, cache)
    yield from [("dx", dx, x_t.grad), ("dW", dW, W_t.grad), ("db", db, b_t.grad)]


def conv2d_items(forward, backward, rng, device="cpu", N=None):
    """卷积层（F.conv2d）：随机的非正方形核、步幅与补零（random_conv_problem）；out、dx、dW、db。"""
    problem = random_conv_problem(rng, N)
    yield from weighted_layer_items(F.conv2d, problem, forward, backward, rng, device)


def conv_transpose2d_items(forward, backward, rng, device="cpu", N=None):
    """转置卷积（F.conv_transpose2d）：随机的核、步幅、补零与 output_padding
    （random_conv_transpose_problem）；out、dx、dW、db。"""
    problem = random_conv_transpose_problem(rng, N)
    yield from weighted_layer_items(F.conv_transpose2d, problem, forward, backward, rng, device)


POOLS = {"max": F.max_pool2d, "avg": F.avg_pool2d}


def pool_items(kind, forward, backward, rng, device="cpu", sizes=(1, 4), kernel=None, stride=None):
    """池化（F.max_pool2d / F.avg_pool2d）：out 与 dx。窗口与步幅没给时随机，常常重叠（步幅小于
    窗口：一个像素从几个窗口各收到梯度）；输入互不相同，最大池化没有并列。"""
    N, C = rng.integers(*sizes, size=2)
    kernel = kernel or tuple(int(k) for k in rng.integers(1, 4, size=2))
    stride = stride or tuple(int(s) for s in rng.integers(1, 4, size=2))
    H, W_in = rng.integers(kernel[0], 10), rng.integers(kernel[1], 10)
    x = rng.permutation(N * C * H * W_in).reshape(N, C, H, W_in) / 7.0
    (x_t,) = torch_leaves(device, x)
    out_t = POOLS[kind](x_t, kernel, stride)
    dout = rng.normal(size=tuple(out_t.shape))
    out_t.backward(to_torch(dout, device))
    out, cache = forward(x, kernel, stride)
    yield "out", out, out_t
    yield "dx", backward(dout, cache), x_t.grad


def recurrent_items(kind, forward, backward, rng, device="cpu"):
    """RNN / LSTM / GRU 层（torch.nn.RNN/LSTM/GRU，权重原样复制）：全部隐藏状态 hs，
    以及 dx、初始状态的梯度（dh0，LSTM 还有 dc0）与四个参数的梯度。"""
    x, initial, weights = random_recurrent_problem(kind, rng)
    layer = torch_recurrent(kind, *weights, device)
    x_t, *initial_t = torch_leaves(device, x, *[s[None] for s in initial])
    hs_t, _ = layer(x_t, tuple(initial_t) if kind == "lstm" else initial_t[0])
    dhs = rng.normal(size=tuple(hs_t.shape))
    hs_t.backward(to_torch(dhs, device))
    hs, cache = forward(x, *initial, *weights)
    yield "hs", hs, hs_t
    grads = backward(dhs, cache)
    params = [
        getattr(layer, f"{n}_l0").grad for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    ]
    state_names = ["dh0", "dc0"] if kind == "lstm" else ["dh0"]
    names = ["dx", *state_names, "dW_ih", "dW_hh", "db_ih", "db_hh"]
    references = [x_t.grad, *[s.grad[0] for s in initial_t], *params]
    yield from zip(names, grads, references)


def param_grad_items(prefix, grads, module):
    """(名字, 被检查的梯度, torch 的梯度)，按 dW0, db0, dW1, … 的顺序。

    grads 不是字典时各项都是 None（于是各项报告“没有给出这一项”）。
    """
    grads = grads if isinstance(grads, dict) else {}
    for name, reference in torch_mlp_grads(module).items():
        yield f"{prefix}d{name}", grads.get(name), reference


def mlp_items(forward, backward, rng, device="cpu", sizes=(1, 9), layers=None):
    """多层感知机（线性层与 ReLU 交替）：out、dx 与每层的 dW、db。

    layers 为 None 时随机 1 到 3 层。"""
    layers = int(rng.integers(1, 4)) if layers is None else layers
    shape = rng.integers(*sizes, size=layers + 1)
    params = random_mlp(shape, rng)
    N = rng.integers(*sizes)
    x = rng.normal(size=(N, shape[0]))
    dout = rng.normal(size=(N, shape[-1]))
    module = torch_mlp(params, device)
    (x_t,) = torch_leaves(device, x)
    out_t = module(x_t)
    out_t.backward(to_torch(dout, device))
    out, caches = forward(params, x)
    yield "out", out, out_t
    dx, grads = backward(dout, caches)
    yield "dx", dx, x_t.grad
    yield from param_grad_items("", grads, module)


def discriminator_items(loss_and_grads, problem, device="cpu", prefix="D: ", real_label=None):
    """判别器的损失与梯度（假样本那一半不求 G 的梯度，torch 里是 detach）。

    problem = (G, D, x_real, z)；real_label 不为 None 时按关键字传给被检查的函数
    （单边标签平滑）。"""
    G, D, x_real, z = problem
    options = {} if real_label is None else {"real_label": real_label}
    loss_t, D_t = torch_discriminator_loss(D, G, x_real, z, device, **options)
    loss, grads = loss_and_grads(D, G, x_real, z, **options)
    yield f"{prefix}损失", loss, loss_t
    yield from param_grad_items(prefix, grads, D_t)


GENERATOR_LOSSES = ("ns", "minimax")


def generator_items(loss_and_grads, problem, device="cpu"):
    """两种生成器损失（ns、minimax）的值与 G 的梯度：梯度穿过 D 传回 G。"""
    G, D, _, z = problem
    for kind in GENERATOR_LOSSES:
        loss_t, G_t = torch_generator_loss(D, G, z, kind, device)
        loss, grads = loss_and_grads(D, G, z, kind)
        yield f"G（{kind}）: 损失", loss, loss_t
        yield from param_grad_items(f"G（{kind}）: ", grads, G_t)
