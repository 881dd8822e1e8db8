"""nbgrader 自己的流程端到端：make assignments 写的 source/ → generate_assignment → 两份提交
（一份对、一份错）→ autograde → export，成绩与检查器的项数一致；发布版里没有任何解答。

执行整本 3.1 笔记本两遍要几分钟，所以不在 make test 里，
由 make test-nbgrader（.ci/run 也运行）执行。
"""

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from book_tools.assignments import make_assignments
from book_tools.jupyter_edition import myst_leftovers
from book_tools.markers import BEGIN

pytestmark = pytest.mark.nbgrader
ASSIGNMENT = "3-1-feedforward-backprop"
BIN = Path(sys.executable).parent  # nbgrader 要在 PATH 上找到同一环境里的 alembic


def nbgrader(course, *args):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [BIN / "nbgrader", *args], cwd=course, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def submit(course, student, edit):
    """学生拿到发布版，把每个解答单元写成 edit(参考解)，交回 submitted/<学生>/。"""
    source = nbformat.read(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    solutions = {
        c.metadata.nbgrader["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in solutions:
            cell.source = edit(solutions[grade_id])
    target = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    target.parent.mkdir(parents=True)
    nbformat.write(release, target)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    make_assignments(out)
    course = out / "nbgrader"
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    return course


def test_release_has_no_solutions_and_keeps_the_tests(course):
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    text = "\n".join(c.source for c in release.cells)
    assert BEGIN not in text and "{solution}" not in text
    markdown = "\n\n".join(c.source for c in release.cells if c.cell_type == "markdown")
    assert myst_leftovers(markdown) == []  # 学生在普通 Jupyter 里读得懂：没有 {term}、```{exercise}
    assert "2 * diff / diff.size" not in text  # mse_loss 的参考解
    assert text.count("raise NotImplementedError()") >= 2
    tests = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.metadata.nbgrader["points"] for c in tests] == [2, 2]
    assert all(c.metadata.nbgrader["locked"] for c in tests)


def test_autograde_and_export_give_the_checker_scores(course):
    submit(course, "right", lambda s: s)
    submit(course, "wrong", lambda s: s.replace("2 * diff / diff.size", "2 * diff"))
    submit(course, "malformed", malformed)
    nbgrader(course, "autograde", ASSIGNMENT, "--create")
    nbgrader(course, "export")
    with open(course / "grades.csv", encoding="utf-8") as handle:
        scores = {r["student_id"]: (r["score"], r["max_score"]) for r in csv.DictReader(handle)}
    # 错的那份：mse_loss 的梯度忘了除以元素个数，损失对、梯度错 → 3.1-4 得 1/2 分
    # 格式不对的那份：dx 带了虚部、dpred 是 float32 → 这两项都不给分（检查器从不白给分数）
    assert scores == {"right": ("4.0", "4.0"), "wrong": ("3.0", "4.0"), "malformed": ("2.0", "4.0")}


def malformed(solution):
    """leaky ReLU 的 dx 加上虚部（astype(float64) 会悄悄丢掉它），mse 的 dpred 换成 float32。
    改动没生效时这份会得满分，上面的断言就会失败。"""
    dx = "dx = dout * np.where(x > 0, 1.0, alpha)"
    dpred = "dpred = 2 * diff / diff.size"
    solution = solution.replace(dx, dx + " + 1j")
    return solution.replace(dpred, "dpred = (2 * diff / diff.size).astype(np.float32)")
