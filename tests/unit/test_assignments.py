"""make assignments：学生版不含任何解答，桩是合法的 Python，检查器对未完成的练习给出礼貌的提示。"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from conftest import ROOT

from book_tools.assignments import exercise_notebooks, make_assignments
from book_tools.jupyter_edition import convert_notebook, myst_leftovers
from book_tools.layer_assignments import LAYER_ASSIGNMENTS
from book_tools.markers import BEGIN, END, clear_solution_code
from lesson_utils.exercises import check


@pytest.fixture(scope="module")
def assignments(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return out, make_assignments(out)


def solution_regions(source):
    return re.findall(rf"{re.escape(BEGIN)}\n(.*?)\n\s*{re.escape(END)}", source, re.S)


def test_every_exercise_notebook_gets_a_student_and_an_answer_copy(assignments):
    out, written = assignments
    book = [r for r, _ in written if not r.startswith("layers/")]
    assert len(book) == len(exercise_notebooks(ROOT)) >= 12  # 第 1–3 章每一节
    assert len(written) - len(book) == len(LAYER_ASSIGNMENTS)
    coding = [r for r, cleared in written if cleared >= 2]
    assert len(coding) >= 4 + len(LAYER_ASSIGNMENTS)
    for relative, _ in written:
        assert (out / "student" / relative).exists()
        assert (out / "answers" / relative).exists()


def test_student_notebooks_contain_no_solutions_and_no_outputs(assignments):
    out, written = assignments
    for relative, _ in written:
        original = nbformat.read(out / "answers" / relative, as_version=4)
        student = nbformat.read(out / "student" / relative, as_version=4)
        text = "\n".join(cell.source for cell in student.cells)
        assert BEGIN not in text and END not in text
        assert "{solution}" not in text
        regions = [r for cell in original.cells for r in solution_regions(cell.source)]
        for region in regions:
            assert region not in text, (relative, region[:60])
        assert text.count("raise NotImplementedError()") >= len(regions)
        assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")
        assert "widgets" not in student.metadata
        for cell in student.cells:
            if cell.cell_type == "code" and "raise NotImplementedError()" in cell.source:
                assert "hide-input" not in cell.metadata.get("tags", [])
                assert not cell.metadata.get("jupyter", {}).get("source_hidden")  # 学生要看见桩
                compile(cell.source, relative, "exec")  # 桩必须是合法的 Python


def test_exercise_text_stays_and_answers_keep_everything(assignments):
    out, written = assignments
    for relative, _ in written:
        if relative.startswith("layers/"):
            continue
        student = nbformat.read(out / "student" / relative, as_version=4)
        answers = nbformat.read(out / "answers" / relative, as_version=4)
        original = nbformat.read(ROOT / "book" / relative, as_version=4)
        markdown = "\n\n".join(c.source for c in student.cells if c.cell_type == "markdown")
        assert "练习 " in markdown and "{exercise}" not in markdown
        assert myst_leftovers(markdown) == [], relative  # 普通 Jupyter 里读得懂
        docname = f"book/{Path(relative).with_suffix('').as_posix()}"
        assert answers == convert_notebook(original, docname)  # 解答、参考实现与输出都在
        answers_markdown = "\n\n".join(c.source for c in answers.cells if c.cell_type == "markdown")
        assert myst_leftovers(answers_markdown) == [], relative


def test_checker_in_a_student_notebook_reports_unsolved_politely(assignments, capsys):
    out, _ = assignments
    student = nbformat.read(out / "student" / "ch3" / "3-2-cnn.ipynb", as_version=4)
    stub_cell = next(c for c in student.cells if "def conv1x1_forward" in c.source)
    namespace = {"np": np}
    exec(stub_cell.source, namespace)  # noqa: S102 —— 执行的是刚生成的学生版桩
    assert not check("3.2-3", namespace["conv1x1_forward"], namespace["conv1x1_backward"])
    assert "还没有完成" in capsys.readouterr().out


def test_clear_solution_code_keeps_indentation_and_rejects_broken_markers():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    ### END SOLUTION\n    return y"
    assert clear_solution_code(source) == (
        "def f(x):\n    # 在这里写你的代码\n    raise NotImplementedError()\n    return y"
    )
    with pytest.raises(ValueError, match="缺少"):
        clear_solution_code("### BEGIN SOLUTION\nx = 1")
    with pytest.raises(ValueError, match="多余"):
        clear_solution_code("x = 1\n### END SOLUTION")
