"""一条命令验证全部 NumPy 实现：在每个可用设备（cpu，有 GPU 时再加 cuda）上与 PyTorch 对照。

    python -m lesson_utils.verify            # 每个函数 5 组随机形状
    python -m lesson_utils.verify --trials 1 # 快速检查

float64 下比较前向输出与每一个梯度（随机上游梯度、非零偏置、随机形状），打印
（函数、设备、最大绝对误差、最大相对误差、通过）表，有任何失败时退出码为 1。
在 GPU 上另加一行演示：float32 且打开 TF32 时，同样的矩阵乘法误差有多大。
"""

import argparse
import sys

import numpy as np
import torch
import torch.nn.functional as F

from lesson_utils import nn
from lesson_utils.compare import compare, display_width, pad, to_torch
from lesson_utils.devices import available_devices, describe_device, disable_tf32


def torch_leaves(device, *arrays):
    return [to_torch(a, device, requires_grad=True) for a in arrays]


def check_linear(device, rng):
    N, D, H = rng.integers(1, 20, size=3)
    x, W, b = rng.normal(size=(N, D)), rng.normal(size=(H, D)), rng.normal(size=H)
    dout = rng.normal(size=(N, H))
    out, cache = nn.linear_forward(x, W, b)
    grads = nn.linear_backward(dout, cache)
    x_t, W_t, b_t = torch_leaves(device, x, W, b)
    out_t = F.linear(x_t, W_t, b_t)
    out_t.backward(to_torch(dout, device))
    return [("out", out, out_t)] + list(
        zip(["dx", "dW", "db"], grads, [x_t.grad, W_t.grad, b_t.grad])
    )


def _activation_check(forward, backward, torch_fn):
    def check(device, rng):
        shape = tuple(rng.integers(1, 8, size=rng.integers(1, 4)))
        x = rng.choice([1.0, 30.0, 1000.0]) * rng.normal(size=shape)  # 也试饱和区与极大的输入
        x += np.where(x >= 0, 0.01, -0.01)  # 离开 ReLU 的拐点
        dout = rng.normal(size=shape)
        out, cache = forward(x)
        dx = backward(dout, cache)
        (x_t,) = torch_leaves(device, x)
        out_t = torch_fn(x_t)
        out_t.backward(to_torch(dout, device))
        return [("out", out, out_t), ("dx", dx, x_t.grad)]

    return check


def check_softmax_cross_entropy(device, rng):
    N, K = rng.integers(1, 20, size=2)
    rows = []
    for scale in (0.1, 3.0, 50.0, 1000.0):
        logits = scale * rng.normal(size=(N, K))
        y = rng.integers(0, K, size=N)
        loss, dlogits = nn.softmax_cross_entropy(logits, y)
        (logits_t,) = torch_leaves(device, logits)
        loss_t = F.cross_entropy(logits_t, torch.tensor(y, device=device))
        loss_t.backward()
        rows += [
            (f"loss x{scale:g}", loss, loss_t),
            (f"dlogits x{scale:g}", dlogits, logits_t.grad),
        ]
    return rows


def check_bce_with_logits(device, rng):
    shape = tuple(int(n) for n in rng.integers(1, 6, size=rng.integers(1, 4)))
    rows = []
    for scale in (0.1, 3.0, 50.0, 1000.0):
        logits = scale * rng.normal(size=shape)
        targets = rng.uniform(size=shape) if scale < 50 else rng.integers(0, 2, size=shape) * 1.0
        loss, dlogits = nn.bce_with_logits(logits, targets)
        (logits_t,) = torch_leaves(device, logits)
        loss_t = F.binary_cross_entropy_with_logits(logits_t, to_torch(targets, device))
        loss_t.backward()
        rows += [
            (f"loss x{scale:g}", loss, loss_t),
            (f"dlogits x{scale:g}", dlogits, logits_t.grad),
        ]
    return rows


def random_conv_problem(rng, N=None):
    """随机的卷积输入：非正方形核、高宽不同的步幅与补零。返回 (x, W, b, {stride, padding})。"""
    N = int(rng.integers(1, 5)) if N is None else N
    C, F_ = rng.integers(1, 5, size=2)
    kh, kw = rng.integers(1, 5, size=2)
    sh, sw = rng.integers(1, 4, size=2)
    ph, pw = rng.integers(0, 3, size=2)
    H = rng.integers(max(1, kh - 2 * ph), 12)
    W_in = rng.integers(max(1, kw - 2 * pw), 12)
    x, W = rng.normal(size=(N, C, H, W_in)), rng.normal(size=(F_, C, kh, kw))
    b = rng.normal(size=F_)
    return x, W, b, dict(stride=(int(sh), int(sw)), padding=(int(ph), int(pw)))


def check_conv2d(device, rng):
    x, W, b, options = random_conv_problem(rng)
    out, cache = nn.conv2d_forward(x, W, b, **options)
    dout = rng.normal(size=out.shape)
    grads = nn.conv2d_backward(dout, cache)
    x_t, W_t, b_t = torch_leaves(device, x, W, b)
    out_t = F.conv2d(x_t, W_t, b_t, **options)
    out_t.backward(to_torch(dout, device))
    return [("out", out, out_t)] + list(
        zip(["dx", "dW", "db"], grads, [x_t.grad, W_t.grad, b_t.grad])
    )


def _pool_check(forward, backward, torch_fn):
    def check(device, rng):
        # 窗口与步幅随机，常常重叠（步幅小于窗口）；输入互不相同，最大池化没有并列
        N, C = rng.integers(1, 4, size=2)
        kh, kw = rng.integers(1, 4, size=2)
        sh, sw = rng.integers(1, 4, size=2)
        H, W_in = rng.integers(kh, 10), rng.integers(kw, 10)
        x = rng.permutation(N * C * H * W_in).reshape(N, C, H, W_in) / 7.0
        kernel, stride = (int(kh), int(kw)), (int(sh), int(sw))
        out, cache = forward(x, kernel, stride)
        dout = rng.normal(size=out.shape)
        dx = backward(dout, cache)
        (x_t,) = torch_leaves(device, x)
        out_t = torch_fn(x_t, kernel, stride)
        out_t.backward(to_torch(dout, device))
        return [("out", out, out_t), ("dx", dx, x_t.grad)]

    return check


RECURRENT = {  # 名称: (门的个数, torch 模块)
    "rnn": (1, torch.nn.RNN),
    "lstm": (4, torch.nn.LSTM),
    "gru": (3, torch.nn.GRU),
}


def torch_recurrent(kind, W_ih, W_hh, b_ih, b_hh, device):
    """建一个单层的 torch.nn.RNN / LSTM / GRU，把我们的四个参数数组原样复制进去（布局相同）。"""
    gates, module = RECURRENT[kind]
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


def random_mlp(sizes, rng):
    """与 3.4 节 init_mlp 同样布局（W0, b0, W1, b1, …）的随机参数，偏置非零。"""
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"W{k}"] = rng.normal(size=(fan_out, fan_in)) / np.sqrt(fan_in)
        params[f"b{k}"] = 0.1 * rng.normal(size=fan_out)
    return params


def check_mlp(device, rng):
    sizes = rng.integers(1, 9, size=rng.integers(2, 5))  # 1 到 3 层
    params = random_mlp(sizes, rng)
    x = rng.normal(size=(rng.integers(1, 9), sizes[0]))
    out, caches = nn.mlp_forward(params, x)
    dout = rng.normal(size=out.shape)
    dx, grads = nn.mlp_backward(dout, caches)
    module = torch_mlp(params, device)
    (x_t,) = torch_leaves(device, x)
    out_t = module(x_t)
    out_t.backward(to_torch(dout, device))
    rows = [("out", out, out_t), ("dx", dx, x_t.grad)]
    return rows + [(f"d{n}", grads[n], g) for n, g in torch_mlp_grads(module).items()]


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


def check_gan(device, rng):
    """判别器的损失与梯度（假样本 detach），两种生成器损失的值与梯度（梯度穿过 D）。"""
    latent, data = rng.integers(1, 6, size=2)
    G = random_mlp([latent, *rng.integers(1, 9, size=rng.integers(1, 3)), data], rng)
    D = random_mlp([data, *rng.integers(1, 9, size=rng.integers(1, 3)), 1], rng)
    x_real = rng.normal(size=(rng.integers(1, 9), data))
    z = rng.normal(size=(rng.integers(1, 9), latent))
    loss, grads = nn.discriminator_loss_and_grads(D, G, x_real, z)
    loss_t, D_t = torch_discriminator_loss(D, G, x_real, z, device)
    rows = [("D loss", loss, loss_t)]
    rows += [(f"D d{n}", grads[n], g) for n, g in torch_mlp_grads(D_t).items()]
    for kind in ("ns", "minimax"):
        loss, grads = nn.generator_loss_and_grads(D, G, z, kind)
        loss_t, G_t = torch_generator_loss(D, G, z, kind, device)
        rows.append((f"G {kind} loss", loss, loss_t))
        rows += [(f"G {kind} d{n}", grads[n], g) for n, g in torch_mlp_grads(G_t).items()]
    return rows


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


def _recurrent_check(kind):
    forward = getattr(nn, f"{kind}_forward")
    backward = getattr(nn, f"{kind}_backward")
    state_names = ["dh0", "dc0"] if kind == "lstm" else ["dh0"]

    def check(device, rng):
        x, initial, weights = random_recurrent_problem(kind, rng)
        hs, cache = forward(x, *initial, *weights)
        dhs = rng.normal(size=hs.shape)
        grads = backward(dhs, cache)
        layer = torch_recurrent(kind, *weights, device)
        x_t, *initial_t = torch_leaves(device, x, *[s[None] for s in initial])
        hs_t, _ = layer(x_t, tuple(initial_t) if kind == "lstm" else initial_t[0])
        hs_t.backward(to_torch(dhs, device))
        params = [
            getattr(layer, f"{n}_l0").grad for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        ]
        names = ["dx", *state_names, "dW_ih", "dW_hh", "db_ih", "db_hh"]
        references = [x_t.grad, *[s.grad[0] for s in initial_t], *params]
        return [("hs", hs, hs_t)] + list(zip(names, grads, references))

    return check


CHECKS = {
    "linear": check_linear,
    "relu": _activation_check(nn.relu_forward, nn.relu_backward, torch.relu),
    "sigmoid": _activation_check(nn.sigmoid_forward, nn.sigmoid_backward, torch.sigmoid),
    "tanh": _activation_check(nn.tanh_forward, nn.tanh_backward, torch.tanh),
    "softmax_cross_entropy": check_softmax_cross_entropy,
    "bce_with_logits": check_bce_with_logits,
    "conv2d": check_conv2d,
    "max_pool2d": _pool_check(nn.max_pool2d_forward, nn.max_pool2d_backward, F.max_pool2d),
    "avg_pool2d": _pool_check(nn.avg_pool2d_forward, nn.avg_pool2d_backward, F.avg_pool2d),
    "rnn": _recurrent_check("rnn"),
    "lstm": _recurrent_check("lstm"),
    "gru": _recurrent_check("gru"),
    "mlp": check_mlp,
    "gan": check_gan,
}


def run(devices=None, trials=5, seed=0):
    """每个函数、每个设备一行：(函数, 设备, 最大绝对误差, 最大相对误差, 通过)，取各次最坏值。"""
    disable_tf32()
    results = []
    for device in devices or available_devices():
        for name, check in CHECKS.items():
            rng = np.random.default_rng(seed)
            rows = [
                compare(q, ours, ref) for _ in range(trials) for q, ours, ref in check(device, rng)
            ]
            results.append(
                (
                    name,
                    describe_device(device),
                    max(r.max_abs for r in rows),
                    max(r.max_rel for r in rows),
                    all(r.passed for r in rows),
                )
            )
    return results


def tf32_demo(device, seed=0):
    """float32 矩阵乘法，TF32 开与关相对 float64 的最大相对误差（仅 CUDA）。"""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(256, 512)), rng.normal(size=(512, 256))
    exact = a @ b
    errors = {}
    for allow in (False, True):
        torch.backends.cuda.matmul.allow_tf32 = allow
        product = to_torch(a.astype(np.float32), device) @ to_torch(b.astype(np.float32), device)
        got = product.double().cpu().numpy()
        errors[allow] = float(np.max(np.abs(got - exact)) / np.max(np.abs(exact)))
    disable_tf32()
    return errors


def format_table(results):
    width = max(display_width(r[0]) for r in results) + 2
    dev_width = max(display_width(r[1]) for r in results) + 2
    lines = [pad("函数", width) + pad("设备", dev_width) + "  最大绝对误差  最大相对误差  通过"]
    for name, device, max_abs, max_rel, passed in results:
        lines.append(
            f"{pad(name, width)}{pad(device, dev_width)}{max_abs:>14.1e}{max_rel:>14.1e}"
            f"  {'通过' if passed else '失败'}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="在每个可用设备上把 lesson_utils.nn 与 PyTorch 对照"
    )
    parser.add_argument("--trials", type=int, default=5, help="每个函数的随机形状组数")
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}，numpy {np.__version__}")
    results = run(trials=args.trials)
    print(format_table(results))
    for device in available_devices():
        if device.type == "cuda":
            errors = tf32_demo(device)
            print(
                f"\n{describe_device(device)} 上 float32 矩阵乘法相对 float64 的误差："
                f"TF32 关 {errors[False]:.1e}，TF32 开 {errors[True]:.1e}（本书一律关闭 TF32）"
            )
    failed = [r for r in results if not r[4]]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
