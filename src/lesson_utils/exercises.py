"""编程练习的自动检查。在笔记本里写好函数后运行
``check("3.2-3", conv1x1_forward, conv1x1_backward)``。

每个检查器用随机输入运行你的函数，与 PyTorch 的自动求导逐项对照，用中文指出哪一项不对：
形状错了就说形状，数值错了就说差多少、在哪个位置，常见的错误（差一个常数倍、差一个转置）会给出提示。
检查器只用 PyTorch 作参考，不含参考答案，可以原样发给学生（见“教师指南”）。
还没写的函数（``raise NotImplementedError()``）会被礼貌地报告为“还没有完成”。
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from lesson_utils.compare import compare, to_numpy, to_torch
from lesson_utils.verify import torch_leaves, torch_mlp, torch_recurrent


@dataclass(frozen=True)
class Exercise:
    title: str
    functions: tuple  # 学生要写的函数名，按 check 的参数顺序
    checker: Callable  # checker(*functions) -> [(量的名字, 学生的结果, 参考结果), ...]


# ---------------------------------------------------------------- 3.1
def check_leaky_relu(forward, backward):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, 5))
    x += np.where(x >= 0, 0.1, -0.1)  # 离开拐点：x = 0 处的导数取 1 还是 α 只是约定
    dout = rng.normal(size=x.shape)
    out, cache = forward(x)
    dx = backward(dout, cache)
    (x_t,) = torch_leaves("cpu", x)
    out_t = F.leaky_relu(x_t, 0.01)
    out_t.backward(to_torch(dout))
    return [("out", out, out_t), ("dx", dx, x_t.grad)]


def check_mse_loss(loss_fn):
    rng = np.random.default_rng(2)
    pred, target = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    loss, dpred = loss_fn(pred, target)
    (pred_t,) = torch_leaves("cpu", pred)
    loss_t = F.mse_loss(pred_t, to_torch(target))
    loss_t.backward()
    return [("loss", loss, loss_t), ("dpred", dpred, pred_t.grad)]


# ---------------------------------------------------------------- 3.2
def check_conv1x1(forward, backward):
    rng = np.random.default_rng(3)
    x, W, b = rng.normal(size=(2, 3, 4, 5)), rng.normal(size=(6, 3, 1, 1)), rng.normal(size=6)
    out, cache = forward(x, W, b)
    dout = rng.normal(size=(2, 6, 4, 5))
    dx, dW, db = backward(dout, cache)
    x_t, W_t, b_t = torch_leaves("cpu", x, W, b)
    out_t = F.conv2d(x_t, W_t, b_t)
    out_t.backward(to_torch(dout))
    return [("out", out, out_t), ("dx", dx, x_t.grad), ("dW", dW, W_t.grad), ("db", db, b_t.grad)]


def check_global_avg_pool(forward, backward):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 4, 5, 6))
    out, cache = forward(x)
    dout = rng.normal(size=(3, 4))
    dx = backward(dout, cache)
    (x_t,) = torch_leaves("cpu", x)
    out_t = x_t.mean(dim=(2, 3))
    out_t.backward(to_torch(dout))
    return [("out", out, out_t), ("dx", dx, x_t.grad)]


# ---------------------------------------------------------------- 3.3
def check_rnn_steps(step_forward, step_backward):
    """用学生的单步函数写出逐步的 BPTT（权重梯度在循环里累加），与 torch.nn.RNN 对照。"""
    rng = np.random.default_rng(5)
    T, N, D, H = 6, 3, 4, 5
    x, h0 = rng.normal(size=(T, N, D)), rng.normal(size=(N, H))
    W_ih, W_hh = rng.normal(size=(H, D)) / 2, rng.normal(size=(H, H)) / 2
    b_ih, b_hh = rng.normal(size=H), rng.normal(size=H)
    dhs = rng.normal(size=(T, N, H))
    h, caches, hs = h0, [], []
    for t in range(T):
        h, cache = step_forward(x[t], h, W_ih, W_hh, b_ih, b_hh)
        hs.append(h)
        caches.append(cache)
    dx, dW_ih, dW_hh, db = np.zeros_like(x), 0.0, 0.0, 0.0
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        dx[t], dh_next, dWi, dWh, db_t = step_backward(dhs[t] + dh_next, caches[t])
        dW_ih, dW_hh, db = dW_ih + dWi, dW_hh + dWh, db + db_t
    layer = torch_recurrent("rnn", W_ih, W_hh, b_ih, b_hh, "cpu")
    x_t, h0_t = torch_leaves("cpu", x, h0[None])
    hs_t, _ = layer(x_t, h0_t)
    hs_t.backward(to_torch(dhs))
    return [
        ("h_t（各时刻）", np.stack(hs), hs_t),
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
    out, cache = forward(ids, E)
    dout = rng.normal(size=(2, 3, 3))
    dE = backward(dout, cache)
    (E_t,) = torch_leaves("cpu", E)
    out_t = F.embedding(torch.tensor(ids), E_t)
    out_t.backward(to_torch(dout))
    return [("out", out, out_t), ("dE", dE, E_t.grad)]


# ---------------------------------------------------------------- 3.4
def random_mlp(sizes, rng):
    """与 3.4 节 init_mlp 同样布局（W0, b0, W1, b1, …）的参数，偏置非零。"""
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"W{k}"] = rng.normal(size=(fan_out, fan_in)) / np.sqrt(fan_in)
        params[f"b{k}"] = 0.1 * rng.normal(size=fan_out)
    return params


def check_smoothed_discriminator(loss_and_grads):
    rng = np.random.default_rng(7)
    G, D = random_mlp([2, 8, 2], rng), random_mlp([2, 8, 1], rng)
    x_real, z = rng.normal(size=(16, 2)), rng.normal(size=(16, 2))
    loss, grads = loss_and_grads(D, G, x_real, z, real_label=0.9)
    G_t, D_t = torch_mlp(G), torch_mlp(D)
    logits_real = D_t(to_torch(x_real))
    logits_fake = D_t(G_t(to_torch(z)).detach())
    loss_t = F.binary_cross_entropy_with_logits(
        logits_real, torch.full_like(logits_real, 0.9)
    ) + F.binary_cross_entropy_with_logits(logits_fake, torch.zeros_like(logits_fake))
    loss_t.backward()
    items = [("损失", loss, loss_t)]
    for k, layer in enumerate(D_t[::2]):
        items += [(f"dW{k}", grads.get(f"W{k}"), layer.weight.grad)]
        items += [(f"db{k}", grads.get(f"b{k}"), layer.bias.grad)]
    return items


def check_push_field(field):
    rng = np.random.default_rng(8)
    D = random_mlp([2, 8, 8, 1], rng)
    x = rng.normal(size=(10, 2))
    ours = field(D, x)
    (x_t,) = torch_leaves("cpu", x)
    logits = torch_mlp(D)(x_t)
    F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits), reduction="sum").backward()
    return [("推动方向 −∂(−log D)/∂x", ours, -x_t.grad)]


EXERCISES = {
    "3.1-3": Exercise(
        "Leaky ReLU", ("leaky_relu_forward", "leaky_relu_backward"), check_leaky_relu
    ),
    "3.1-4": Exercise("均方误差损失", ("mse_loss",), check_mse_loss),
    "3.2-3": Exercise("1×1 卷积", ("conv1x1_forward", "conv1x1_backward"), check_conv1x1),
    "3.2-4": Exercise(
        "全局平均池化",
        ("global_avg_pool_forward", "global_avg_pool_backward"),
        check_global_avg_pool,
    ),
    "3.3-3": Exercise("RNN 的单步", ("rnn_step_forward", "rnn_step_backward"), check_rnn_steps),
    "3.3-4": Exercise("嵌入层", ("embedding_forward", "embedding_backward"), check_embedding),
    "3.4-3": Exercise(
        "单边标签平滑的判别器损失",
        ("smoothed_discriminator_loss_and_grads",),
        check_smoothed_discriminator,
    ),
    "3.4-4": Exercise("判别器推动样本的方向", ("push_field",), check_push_field),
}


class CheckResult:
    """check 的返回值：可以当布尔值用（``if check(...):``）；
    作为笔记本单元的最后一个表达式时，不再多显示一行 True。"""

    def __init__(self, passed):
        self.passed = passed

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return f"CheckResult(passed={self.passed})"

    def _ipython_display_(self):
        pass  # 反馈已经打印过了


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
        hint = "（像是转置了）" if ours.shape == reference.shape[::-1] and ours.ndim == 2 else ""
        return f"{name}：形状应为 {reference.shape}，你的是 {ours.shape}{hint}。"
    row = compare(name, ours, reference)
    if row.passed:
        return None
    where = np.unravel_index(np.argmax(np.abs(ours - reference)), reference.shape)
    message = (
        f"{name}：数值不对，最大绝对误差 {row.max_abs:.2e}，"
        f"例如位置 {tuple(int(i) for i in where)} 应为 {reference[where]:.6g}，"
        f"你的是 {ours[where]:.6g}。"
    )
    nonzero = np.abs(reference) > 1e-12
    if nonzero.any():
        ratios = ours[nonzero] / reference[nonzero]
        if np.allclose(ratios, ratios[0], rtol=1e-6) and not np.isclose(ratios[0], 1.0):
            message += (
                f"\n    提示：你的结果处处是正确值的 {ratios[0]:.4g} 倍——"
                "检查求平均 / 求和或某个常数因子。"
            )
    if ours.ndim == 2 and ours.shape[0] == ours.shape[1] and np.allclose(ours, reference.T):
        message += "\n    提示：你的结果是正确值的转置。"
    return message


def check(exercise_id, *functions):
    """检查一个编程练习，打印中文反馈；返回 CheckResult，全部通过时为真。"""
    if exercise_id not in EXERCISES:
        raise ValueError(f"check: 没有编号为 {exercise_id!r} 的练习，已有：{', '.join(EXERCISES)}")
    exercise = EXERCISES[exercise_id]
    header = f"练习 {exercise_id}（{exercise.title}）"
    if len(functions) != len(exercise.functions):
        raise ValueError(
            f"check: {header} 需要 {len(exercise.functions)} 个函数 "
            f"({', '.join(exercise.functions)})，实际传入了 {len(functions)} 个"
        )
    try:
        items = exercise.checker(*functions)
    except NotImplementedError:
        names = "、".join(exercise.functions)
        print(f"{header} 还没有完成：{names} 里还有 raise NotImplementedError()。")
        print("写好之后重新运行这个单元。")
        return CheckResult(False)
    except Exception as error:  # noqa: BLE001 —— 学生代码里的任何错误都要变成反馈，而不是一长串回溯
        print(f"{header}：运行你的函数时出错——{type(error).__name__}: {error}")
        return CheckResult(False)
    problems = [p for p in (diagnose(*item) for item in items) if p is not None]
    if problems:
        print(f"{header}：{len(items) - len(problems)}/{len(items)} 项正确。")
        for problem in problems:
            print("  ✗ " + problem)
        return CheckResult(False)
    print(f"{header}：全部 {len(items)} 项与 PyTorch 一致。")
    return CheckResult(True)
