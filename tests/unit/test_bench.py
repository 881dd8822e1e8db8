"""make bench：这里检查“能跑、输出完整”，以及计时与内存的算法本身（用假时钟与已知大小的分配）；
不对真实耗时做任何断言（机器是共享的，计时会抖）。"""

import json

import numpy as np
import pytest

from lesson_utils import bench


def test_quick_bench_runs_and_writes_json(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert bench.main(["--quick", "--json", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "conv2d" in printed and "max_pool2d" in printed and "朴素循环" in printed
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["machine"]["torch"]
    names = {row["name"] for row in data["results"]}
    assert {"conv2d 3×3 pad 1", "max_pool2d 2×2", "avg_pool2d 2×2"} <= names
    for row in data["results"]:
        assert row["ours_ms"] > 0 and row["reference_ms"] > 0
        assert row["ratio"] == row["ours_ms"] / row["reference_ms"]


def test_peak_memory_is_the_largest_allocation_in_megabytes():
    def allocate():
        big = np.ones(2**20)  # 8 MiB
        del big
        return np.ones(2**17)  # 1 MiB，峰值仍是 8 MiB

    assert bench.peak_megabytes(allocate) == pytest.approx(8.0, rel=0.05)
    assert bench.peak_megabytes(lambda: None) < 0.1


def test_markdown_table_has_a_row_per_result():
    rows = [bench.BenchRow("conv2d", "float64", "x (1, 1, 4, 4)", 2.0, "torch cpu", 1.0, 2.0,
                           1.5, False, 0.5)]  # fmt: skip
    table = bench.markdown_table(rows)
    assert table.count("\n") == 2 and "**未达到**" in table and "2×" in table
    without_targets = bench.markdown_table(rows, targets=False)
    assert "目标" not in without_targets and "未达到" not in without_targets
    assert without_targets.count("\n") == 2 and "2×" in without_targets


def test_race_measures_both_sides_in_blocks_within_one_run(monkeypatch):
    """假时钟：我们这边每次 2 ms、第二轮有一次 50 ms（被打断），PyTorch 每次 5 ms。
    race 成块轮流运行两边、每块前停顿，返回两边的中位数（毫秒），不受那一次打断的影响。"""
    clock, calls, pauses = [0.0], [], []
    ours_costs = iter([2, 2, 2] + [2, 50, 2] + [2, 2, 2])  # 每轮：热身一次 + 计时两次

    def ours():
        calls.append("a")
        clock[0] += next(ours_costs) / 1e3

    def reference():
        calls.append("b")
        clock[0] += 5 / 1e3

    monkeypatch.setattr(bench.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(bench.time, "sleep", pauses.append)
    ours_ms, reference_ms = bench.race(ours, reference, 6, pause=0.2)
    assert calls == (["a"] * 3 + ["b"] * 3) * 3
    assert pauses == [0.2] * 6  # 每块开头停一下，让另一边的线程睡下
    assert ours_ms == pytest.approx(2.0) and reference_ms == pytest.approx(5.0)
