"""速度基准：NumPy 实现与 PyTorch 同场比较（``make bench``，或 ``python -m lesson_utils.bench``）。

    python -m lesson_utils.bench                 # 完整尺寸，打印表格并写 JSON
    python -m lesson_utils.bench --quick         # 极小尺寸，只检查能跑（make test 用）
    python -m lesson_utils.bench --json out.json

每一行的两边在同一次运行里轮流成块计时（我们若干次、PyTorch 若干次，重复三轮），
取各自的中位数再相除，这样机器忽快忽慢时两边受到的影响相同。
比值 = NumPy 耗时 / PyTorch 耗时，越小越好。
峰值内存是 NumPy 一侧在一次前向+反向里新分配的最大字节数（tracemalloc 统计，NumPy 会向它报告）。
计时期间 NumPy 的 BLAS 与 PyTorch 用同样多的线程（``same_threads``）：lesson_utils 平时只给
NumPy 的 BLAS 1 个线程（见 lesson_utils.runtime），线程数不同的比值不是同等条件下的比较。
这不是单元测试：机器繁忙时数字会变，只比较同一次运行里的比值。
"""

import argparse
import contextlib
import json
import platform
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

from lesson_utils import nn
from lesson_utils.compare import display_width, pad, to_torch
from lesson_utils.devices import available_devices, describe_device, disable_tf32
from lesson_utils.references import torch_leaves, torch_recurrent


@dataclass
class BenchRow:
    """一行结果。target 为目标比值（None 表示只报告），met 为是否达到。"""

    name: str
    dtype: str
    shape: str
    ours_ms: float
    reference: str
    reference_ms: float
    ratio: float
    target: float | None
    met: bool | None
    peak_mb: float


def timings_ms(fn, repeats, synchronize=None):
    """先热身一次（不计时），再运行 fn repeats 次，返回每次的耗时列表（毫秒）。"""
    fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        if synchronize is not None:
            synchronize()
        samples.append(1e3 * (time.perf_counter() - start))
    return samples


def race(ours, reference, repeats, synchronize=None, rounds=3, pause=0.2):
    """两边轮流成块计时：我们 k 次、PyTorch k 次，重复 rounds 轮（k = repeats / rounds），
    每块开头先停 pause 秒、再热身一次不计时。返回两边耗时的中位数（毫秒）。
    synchronize 只用于 PyTorch 一侧（GPU）。

    为什么不逐次交替、为什么要停一下：NumPy（OpenBLAS）和 PyTorch（OpenMP）各有一组线程，
    刚用完时还会空转一会儿才睡下。紧接着换边，两组线程就互相抢核：
    逐次交替时 PyTorch 的卷积慢到两倍；成块但不停顿时，PyTorch 的 float32 LSTM
    仍从约 7 ms 变成 10–16 ms。两种情况下比值都偏向我们，不公平。
    成块计时仍在同一次运行里，机器整体变快变慢时两边都受影响。
    """
    per_block = max(1, repeats // rounds)
    ours_ms, reference_ms = [], []
    for _ in range(rounds):
        time.sleep(pause)
        ours_ms += timings_ms(ours, per_block)
        time.sleep(pause)
        reference_ms += timings_ms(reference, per_block, synchronize)
    return float(np.median(ours_ms)), float(np.median(reference_ms))


def peak_megabytes(fn):
    """fn 运行期间 NumPy（以及 Python）新分配内存的峰值，单位 MB。"""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def conv_case(shape, filters, kernel, padding, dtype, device, rng):
    """卷积前向+反向：返回 (我们的函数, PyTorch 的函数)。"""
    x = rng.normal(size=shape).astype(dtype)
    W = (0.1 * rng.normal(size=(filters, shape[1], kernel, kernel))).astype(dtype)
    b = rng.normal(size=filters).astype(dtype)
    out, _ = nn.conv2d_forward(x, W, b, padding=padding)
    dout = rng.normal(size=out.shape).astype(dtype)

    def ours():
        _, cache = nn.conv2d_forward(x, W, b, padding=padding)
        return nn.conv2d_backward(dout, cache)

    x_t, W_t, b_t = torch_leaves(device, x, W, b)
    dout_t = to_torch(dout, device)

    def reference():
        F.conv2d(x_t, W_t, b_t, padding=padding).backward(dout_t)

    return ours, reference


def pool_case(kind, shape, kernel, dtype, device, rng):
    """池化前向+反向。"""
    forward, backward = {
        "max": (nn.max_pool2d_forward, nn.max_pool2d_backward),
        "avg": (nn.avg_pool2d_forward, nn.avg_pool2d_backward),
    }[kind]
    torch_fn = {"max": F.max_pool2d, "avg": F.avg_pool2d}[kind]
    x = rng.normal(size=shape).astype(dtype)
    out, _ = forward(x, kernel)
    dout = rng.normal(size=out.shape).astype(dtype)

    def ours():
        _, cache = forward(x, kernel)
        return backward(dout, cache)

    (x_t,) = torch_leaves(device, x)
    dout_t = to_torch(dout, device)

    def reference():
        torch_fn(x_t, kernel).backward(dout_t)

    return ours, reference


def lstm_case(T, N, D, H, dtype, device, rng):
    """LSTM 前向 + BPTT（所有时刻的输出都有上游梯度）：返回 (我们的函数, PyTorch 的函数)。"""
    x = rng.normal(size=(T, N, D)).astype(dtype)
    h0, c0 = rng.normal(size=(2, N, H)).astype(dtype)
    W_ih = (0.1 * rng.normal(size=(4 * H, D))).astype(dtype)
    W_hh = (0.1 * rng.normal(size=(4 * H, H))).astype(dtype)
    b_ih, b_hh = rng.normal(size=(2, 4 * H)).astype(dtype)
    dhs = rng.normal(size=(T, N, H)).astype(dtype)

    def ours():
        _, cache = nn.lstm_forward(x, h0, c0, W_ih, W_hh, b_ih, b_hh)
        return nn.lstm_backward(dhs, cache)

    lstm = torch_recurrent("lstm", W_ih, W_hh, b_ih, b_hh, device)
    x_t, h0_t, c0_t = torch_leaves(device, x, h0[None], c0[None])
    dhs_t = to_torch(dhs, device)

    def reference():
        hs_t, _ = lstm(x_t, (h0_t, c0_t))
        hs_t.backward(dhs_t)

    return ours, reference


def naive_conv_case(shape, filters, kernel, padding, dtype, rng):
    """朴素循环版与向量化版的卷积（前向+反向）：返回 (向量化, 朴素)。"""
    x = rng.normal(size=shape).astype(dtype)
    W = rng.normal(size=(filters, shape[1], kernel, kernel)).astype(dtype)
    b = rng.normal(size=filters).astype(dtype)
    out, _ = nn.conv2d_forward(x, W, b, padding=padding)
    dout = rng.normal(size=out.shape).astype(dtype)

    def vectorized():
        return nn.conv2d_backward(dout, nn.conv2d_forward(x, W, b, padding=padding)[1])

    def naive():
        return nn.conv2d_naive_backward(dout, nn.conv2d_naive_forward(x, W, b, padding=padding)[1])

    return vectorized, naive


# (名称, 目标比值或 None, 构造函数) —— 目标来自各章的 issue（例如 3.2：卷积 float64 ≤ 1.0×）
def cases(quick=False):
    N = 2 if quick else 64
    conv_shape = (N, 16, 8, 8) if quick else (N, 16, 32, 32)
    pool_shape = (N, 32, 8, 8) if quick else (N, 32, 32, 32)
    naive_shape = (1, 2, 6, 6) if quick else (8, 8, 16, 16)

    def dims(shape):
        return "×".join(str(d) for d in shape)

    rows = []
    for dtype, conv_target in ((np.float64, 1.0), (np.float32, 1.5)):
        rows.append(
            (
                "conv2d 3×3 pad 1",
                dtype,
                f"{dims(conv_shape)}，32 个 3×3",
                conv_target,
                lambda d, r, dt=dtype: conv_case(conv_shape, 32, 3, 1, dt, d, r),
            )
        )
    for dtype in (np.float64, np.float32):
        for kind, target in (("max", 2.0), ("avg", None)):
            rows.append(
                (
                    f"{kind}_pool2d 2×2",
                    dtype,
                    dims(pool_shape),
                    target,
                    lambda d, r, k=kind, dt=dtype: pool_case(k, pool_shape, 2, dt, d, r),
                )
            )
    T, N_seq, D, H = (5, 2, 3, 4) if quick else (50, 32, 64, 128)
    for dtype in (np.float64, np.float32):
        rows.append(
            (
                "LSTM 前向 + BPTT",
                dtype,
                f"T={T}, N={N_seq}, D={D}, H={H}",
                1.0,
                lambda d, r, dt=dtype: lstm_case(T, N_seq, D, H, dt, d, r),
            )
        )
    naive = (
        "conv2d 朴素循环 vs 向量化",
        np.float64,
        f"{dims(naive_shape)}，16 个 3×3",
        0.01,  # 向量化至少快 100 倍
        lambda d, r: naive_conv_case(naive_shape, 16, 3, 1, np.float64, r),
    )
    return rows, naive


def make_row(name, dtype, shape, ours_ms, reference, reference_ms, target, peak_mb):
    """一行结果：比值 = ours / reference；target 为 None 时只报告、不判定。"""
    ratio = ours_ms / reference_ms
    met = None if target is None else ratio <= target
    return BenchRow(
        name, np.dtype(dtype).name, shape, ours_ms, reference, reference_ms, ratio, target, met,
        peak_mb,
    )  # fmt: skip


def selected(name, only):
    """only 为 None（全部）、一个字符串或几个字符串：名称里含其中任何一个就选中。"""
    if only is None:
        return True
    return any(part in name for part in ((only,) if isinstance(only, str) else only))


@contextlib.contextmanager
def same_threads():
    """在这段代码里让 NumPy 的 BLAS 与 PyTorch 用同样多的线程（torch.get_num_threads() 个）。"""
    with threadpool_limits(limits=torch.get_num_threads(), user_api="blas"):
        yield


def run(quick=False, repeats=None, seed=0, only=None, rounds=3):
    """运行基准，返回 BenchRow 列表。only：只跑名称里含这些字符串的行（如 "LSTM"），None 为全部。

    rounds 是两边轮流的轮数（见 race）；书页里的短基准用 1 轮、几次计时，几秒钟跑完。
    quick=True 只检查能运行：尺寸极小，换边时也不停顿（计时本来就没有意义）。
    """
    disable_tf32()
    repeats = repeats or (3 if quick else 21)
    pause = 0.0 if quick else 0.2
    rows, naive = cases(quick)
    rows = [row for row in rows if selected(row[0], only)]
    with same_threads():
        return timed_rows(rows, naive, repeats, seed, only, rounds, pause)


def timed_rows(rows, naive, repeats, seed, only, rounds, pause):
    """run 的计时部分（两边线程数已经相同）。"""
    results = []
    for device in available_devices():
        synchronize = torch.cuda.synchronize if device.type == "cuda" else None
        for name, dtype, shape, target, make in rows:
            ours, reference = make(device, np.random.default_rng(seed))
            ours_ms, reference_ms = race(
                ours, reference, repeats, synchronize, rounds=rounds, pause=pause
            )
            on_cpu = device.type == "cpu"  # 目标是与 CPU 上的 PyTorch 比；GPU 的行只报告
            results.append(
                make_row(
                    name, dtype, shape, ours_ms, f"torch {describe_device(device)}",
                    reference_ms, target if on_cpu else None, peak_megabytes(ours),
                )
            )  # fmt: skip
    name, dtype, shape, target, make = naive
    if not selected(name, only):
        return results
    vectorized, slow = make(None, np.random.default_rng(seed))
    # 朴素版很慢，少计几次；但至少 3 次，取中位数才不怕某一次碰巧被打断
    fast_ms, slow_ms = race(vectorized, slow, max(3, rounds), rounds=rounds, pause=pause)
    results.append(
        make_row(
            name, dtype, shape, fast_ms, "朴素循环", slow_ms, target, peak_megabytes(vectorized)
        )
    )
    return results


def machine():
    """记录结果来自哪台机器。"""
    info = {
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "devices": [describe_device(d) for d in available_devices()],
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            names = [line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line]
        info["cpu"], info["cpu_count"] = names[0], len(names)
    except (OSError, IndexError):
        pass
    return info


def describe_machine(info):
    return (
        f"{info['cpu']}，{info.get('cpu_count', '?')} 核；"
        f"numpy {info['numpy']}，torch {info['torch']}（{info['torch_threads']} 线程）"
    )


def format_table(results):
    headers = ["基准", "dtype", "NumPy ms", "对照", "对照 ms", "比值", "目标", "峰值内存"]
    lines = []
    name_width = max(display_width(r.name) for r in results) + 2
    ref_width = max(display_width(r.reference) for r in results) + 2
    lines.append(
        pad(headers[0], name_width)
        + pad(headers[1], 9)
        + f"{headers[2]:>10}  "
        + pad(headers[3], ref_width)
        + f"{headers[4]:>9}{headers[5]:>9}  {headers[6]:<10}{headers[7]:>8}"
    )
    for r in results:
        if r.target is None:
            goal = "—"
        else:
            goal = f"≤{r.target:g}× {'达到' if r.met else '未达'}"
        lines.append(
            pad(r.name, name_width)
            + pad(r.dtype, 9)
            + f"{r.ours_ms:>10.2f}  "
            + pad(r.reference, ref_width)
            + f"{r.reference_ms:>9.2f}{r.ratio:>8.3g}×  "
            + pad(goal, 10)
            + f"{r.peak_mb:>6.1f} MB"
        )
    lines.append(
        "比值 = NumPy 耗时 / 对照耗时，越小越好；朴素循环一行的目标 ≤0.01× 即向量化快 100 倍以上。"
    )
    return "\n".join(lines)


def markdown_table(results, targets=True):
    """同样的结果排成 Markdown 表格（笔记本里用 IPython.display.Markdown 显示）。

    targets=False 时不显示“目标”一列：正文里的短基准只报告比值，达到与否是附录里完整基准的事。
    """
    header = "| 基准 | dtype | 输入 | NumPy (ms) | 对照 | 对照 (ms) | 比值 |"
    rule = "|---|---|---|---:|---|---:|---:|"
    if targets:
        header, rule = header + " 目标 |", rule + "---|"
    lines = [header + " 峰值内存 (MB) |", rule + "---:|"]
    for r in results:
        cells = (
            f"| {r.name} | {r.dtype} | {r.shape} | {r.ours_ms:.2f} | {r.reference} | "
            f"{r.reference_ms:.2f} | {r.ratio:.3g}× |"
        )
        if targets:
            verdict = "达到" if r.met else "**未达到**"
            goal = "—" if r.target is None else f"≤ {r.target:g}×，{verdict}"
            cells += f" {goal} |"
        lines.append(cells + f" {r.peak_mb:.1f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="NumPy 实现与 PyTorch 的速度对比")
    parser.add_argument("--quick", action="store_true", help="极小尺寸，只检查能运行")
    parser.add_argument("--repeats", type=int, default=None, help="每边计时的轮数")
    parser.add_argument("--json", default=None, help="把结果写成 JSON 文件")
    parser.add_argument("--only", default=None, help="只跑名称里含这个字符串的基准，如 LSTM")
    args = parser.parse_args(argv)
    results = run(quick=args.quick, repeats=args.repeats, only=args.only)
    info = machine()
    print(describe_machine(info))
    print(format_table(results))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(
                {"machine": info, "quick": args.quick, "results": [asdict(r) for r in results]},
                handle,
                ensure_ascii=False,
                indent=2,
            )
        print(f"\n结果已写入 {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
