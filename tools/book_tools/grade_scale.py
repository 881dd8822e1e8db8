"""一门课的规模：生成 N 份“亲手实现各层”（3.1）的提交，用 make grade 的引擎批改，量总时间。

    python -m book_tools.grade_scale --n 300 --jobs 2

提交按种类轮流生成：对的、常见的错（db 多了 keepdims）、崩溃的、死循环的、攻击的（脱离的进程、
改别人的提交、耗内存、开一堆进程）、直接导入参考实现的。批改后核对每一类得到应得的分数，
别人的提交一个字节也没变，然后打印墙钟时间。
"""

import argparse
import tempfile
import time
from pathlib import Path

import nbformat

from book_tools.grade import Settings, grade_folder
from book_tools.layer_assignments import layer_notebook
from book_tools.markers import checked_ids


def mutated(notebook, old, new):
    copy = nbformat.from_dict(notebook)
    hits = [cell for cell in copy.cells if old in cell.source]
    if not hits:
        raise ValueError(f"grade_scale: 作业里找不到 {old!r}（作业改了？）")
    for cell in hits:
        cell.source = cell.source.replace(old, new)
    return copy


def with_cell(notebook, source, position=1):
    copy = nbformat.from_dict(notebook)
    copy.cells.insert(position, nbformat.v4.new_code_cell(source))
    return copy


def kinds(answer, submissions):
    """种类 → (笔记本, 期望的各题得分)。"""
    hostile = (
        "import os, subprocess, sys\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'],"
        " start_new_session=True)\n"
        f"for name in os.listdir({str(submissions)!r}) if os.path.isdir({str(submissions)!r})"
        " else []:\n"
        f"    open(os.path.join({str(submissions)!r}, name), 'w').write('{{}}')\n"
        "children = []\n"
        "try:\n"
        "    for _ in range(200):\n"
        "        children.append(subprocess.Popen(['sleep', '600']))\n"
        "except OSError:\n"
        "    pass\n"
        "try:\n"
        "    hog = bytearray(16 * 1024**3)\n"
        "except MemoryError:\n"
        "    pass\n"
    )
    return {
        "right": (answer, (1, 1, 1)),
        "keepdims": (
            mutated(answer, "db = dout.sum(axis=0)", "db = dout.sum(axis=0, keepdims=True)"),
            (0.75, 1, 1),
        ),
        "crashing": (
            with_cell(mutated(answer, "def relu_forward(x):", "def relu_forward(x:"), "1 / 0"),
            (1, 0, 1),
        ),
        "looping": (with_cell(answer, "while True:\n    pass", len(answer.cells)), None),
        "hostile": (with_cell(answer, hostile, len(answer.cells)), (1, 1, 1)),
        "borrowed": (
            mutated(
                answer,
                "def linear_backward(dout, cache):",
                "from lesson_utils.nn import linear_forward, linear_backward\n\n\n"
                "def unused(dout, cache):",
            ),
            (0, 1, 1),
        ),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="批改 N 份生成的提交，量时间")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=20)
    args = parser.parse_args(argv)
    answer = layer_notebook("3-1-layers")
    ids = checked_ids(answer)
    with tempfile.TemporaryDirectory(prefix="grade-scale-") as folder:
        submissions = Path(folder) / "submissions"
        submissions.mkdir()
        catalogue = kinds(answer, submissions)
        names = list(catalogue)
        expected = {}
        for number in range(args.n):
            kind = names[number % len(names)]
            student = f"{number:04d}-{kind}"
            nbformat.write(catalogue[kind][0], submissions / f"{student}.ipynb")
            expected[student] = catalogue[kind][1]
        before = {p.name: p.read_bytes() for p in submissions.iterdir()}
        start = time.perf_counter()
        settings = Settings(time_limit=args.time_limit, call_limit=10)
        grades = grade_folder(submissions, Path(folder) / "out", ids, settings, args.jobs)
        seconds = time.perf_counter() - start
        after = {p.name: p.read_bytes() for p in submissions.iterdir()}
    wrong = []
    for grade in grades:
        scores = tuple(round(grade.results[i].score, 3) for i in ids)
        want = expected[grade.student]
        if want is not None and scores != want:
            wrong.append((grade.student, scores, want, grade.problems[:2]))
    counts = {kind: sum(k.endswith(kind) for k in expected) for kind in names}
    print(f"{len(grades)} 份提交（{counts}），JOBS={args.jobs}，墙钟 {seconds:.0f} 秒")
    print(f"平均每 {seconds / len(grades):.2f} 秒批改完一份；提交没有被改动：{after == before}")
    print(f"得分与期望不符的：{len(wrong)}")
    for row in wrong[:10]:
        print("  ", row)
    return 0 if not wrong and after == before else 1


if __name__ == "__main__":
    raise SystemExit(main())
