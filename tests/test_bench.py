"""make bench 只在这里检查“能跑、输出完整”，不对耗时做任何断言（机器是共享的，计时会抖）。"""

import json

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
        assert row["peak_mb"] >= 0


def test_markdown_table_has_a_row_per_result():
    rows = [bench.BenchRow("conv2d", "float64", "x (1, 1, 4, 4)", 2.0, "torch cpu", 1.0, 2.0,
                           1.5, False, 0.5)]  # fmt: skip
    table = bench.markdown_table(rows)
    assert table.count("\n") == 2 and "**未达到**" in table and "2×" in table
    without_targets = bench.markdown_table(rows, targets=False)
    assert "目标" not in without_targets and "未达到" not in without_targets
    assert without_targets.count("\n") == 2 and "2×" in without_targets


def test_race_measures_both_sides_in_blocks_within_one_run():
    calls = []
    ours_ms, reference_ms = bench.race(lambda: calls.append("a"), lambda: calls.append("b"), 6)
    # 三轮，每轮每边：热身一次 + 计时两次
    assert calls == (["a"] * 3 + ["b"] * 3) * 3
    assert ours_ms >= 0 and reference_ms >= 0
