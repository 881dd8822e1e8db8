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

from lesson_utils import nn
from lesson_utils.compare import compare, display_width, pad, to_torch
from lesson_utils.devices import available_devices, describe_device, disable_tf32
from lesson_utils.references import (
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
    recurrent_items,
    softmax_ce_items,
)


def activation(name):
    functions = {name: (getattr(nn, f"{name}_forward"), getattr(nn, f"{name}_backward"))}
    return lambda device, rng: activation_items(functions, rng, device)


def pool(kind):
    forward = getattr(nn, f"{kind}_pool2d_forward")
    backward = getattr(nn, f"{kind}_pool2d_backward")
    return lambda device, rng: pool_items(kind, forward, backward, rng, device)


def recurrent(kind):
    forward, backward = getattr(nn, f"{kind}_forward"), getattr(nn, f"{kind}_backward")
    return lambda device, rng: recurrent_items(kind, forward, backward, rng, device)


def bce(device, rng):
    """软标签与 0/1 标签各一组；logits 的量级从 0.1 到约 1000。"""
    for hard in (False, True):
        yield from bce_items(
            nn.bce_with_logits, rng, device, (1, 6), (1, 4), (0.03, 1, 15, 300), hard
        )


def gan(device, rng):
    """判别器的损失与梯度（假样本 detach），两种生成器损失的值与梯度（梯度穿过 D）。"""
    problem = random_gan_problem(rng)
    yield from discriminator_items(nn.discriminator_loss_and_grads, problem, device)
    yield from generator_items(nn.generator_loss_and_grads, problem, device)


# 每个函数一组对照：CHECKS[名称](device, rng) 逐项交出 (量, 我们的结果, torch 的结果)，
# 比较本身在 lesson_utils.references 里，练习的检查器用的是同一份。
CHECKS = {
    "linear": lambda device, rng: linear_items(nn.linear_forward, nn.linear_backward, rng, device),
    "relu": activation("relu"),
    "sigmoid": activation("sigmoid"),
    "tanh": activation("tanh"),
    "softmax_cross_entropy": lambda device, rng: softmax_ce_items(
        nn.softmax_cross_entropy, rng, device, scales=(0.02, 1, 10, 200)
    ),
    "bce_with_logits": bce,
    "conv2d": lambda device, rng: conv2d_items(nn.conv2d_forward, nn.conv2d_backward, rng, device),
    "max_pool2d": pool("max"),
    "avg_pool2d": pool("avg"),
    "conv_transpose2d": lambda device, rng: conv_transpose2d_items(
        nn.conv_transpose2d_forward, nn.conv_transpose2d_backward, rng, device
    ),
    "rnn": recurrent("rnn"),
    "lstm": recurrent("lstm"),
    "gru": recurrent("gru"),
    "mlp": lambda device, rng: mlp_items(nn.mlp_forward, nn.mlp_backward, rng, device),
    "gan": gan,
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
