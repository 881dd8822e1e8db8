"""笔记本里的标记只在 book_tools.markers 里写一次；这里检查它们认得书里实际的写法。"""

import re

import nbformat
import pytest
from conftest import ROOT

from book_tools import markers


def book_cells():
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        yield from nbformat.read(path, as_version=4).cells


def test_every_check_cell_of_the_book_is_recognised():
    pattern = re.compile(r"""^(if\s+)?check\(\s*["']""")  # 宽松的写法：以 check(" 开头即可
    cells = [c for c in book_cells() if c.cell_type == "code" and pattern.match(c.source)]
    assert len(cells) >= 8
    assert all(markers.is_check_cell(c) for c in cells)
    assert all(markers.CHECK_CALL.search(c.source) for c in cells)


def test_exercise_labels_and_ids():
    assert markers.exercise_id("ex-3-2-4") == "3.2-4"
    assert markers.exercise_id("eq-3-2-4") is None and markers.exercise_id(None) is None


def test_export_marker_names_the_module():
    assert markers.export_target("#| export nn.conv\n\nimport numpy") == ("nn.conv", "import numpy")
    assert markers.export_target("# export nn.conv\nx = 1") is None


def test_removing_solutions_reveals_the_stub():
    cell = nbformat.v4.new_code_cell(
        f"def f(x):\n    {markers.BEGIN}\n    return x\n    {markers.END}",
        metadata={"tags": [markers.HIDE_INPUT]},
    )
    assert markers.is_solution_code(cell) and markers.is_hidden(cell)
    assert markers.remove_solutions(cell)
    assert cell.source == f"def f(x):\n    {markers.STUB[0]}\n    {markers.STUB[1]}"
    assert "tags" not in cell.metadata
    text = nbformat.v4.new_markdown_cell("前\n````{solution} ex-3-1-3\n答案\n````\n后")
    assert not markers.remove_solutions(text) and text.source == "前\n后"


def solution_span_notebook():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(
        cells=[
            md("练习的题目\n\n````{solution-start} ex-2-5-2\n:class: dropdown\n````\n\n解答的文字"),
            code("print('参考实验')", metadata={"tags": [markers.HIDE_INPUT]}),
            md(markers.SOLUTION_END_CELL),
            md("下一节"),
        ]
    )


def test_a_solution_span_is_removed_with_the_reference_experiment():
    notebook = solution_span_notebook()
    assert markers.solution_spans(notebook.cells) == [(0, 2)]
    assert markers.in_solution_span(notebook.cells) == [False, True, True, False]
    markers.remove_solution_spans(notebook)
    assert [c.source for c in notebook.cells] == ["练习的题目", "下一节"]


def test_unpaired_or_crowded_solution_spans_are_errors():
    md = nbformat.v4.new_markdown_cell
    start = "````{solution-start} ex-1-1-1\n:class: dropdown\n````\n\n解答"
    for cells in (
        [md(start)],  # 没有结束
        [md(markers.SOLUTION_END_CELL)],  # 没有开始
        [md(start), md(start), md(markers.SOLUTION_END_CELL)],  # 嵌套
        [md(start), md(markers.SOLUTION_END_CELL + "\n正文")],  # 结束单元里还有正文，学生版会丢掉它
    ):
        with pytest.raises(ValueError, match="solution"):
            markers.solution_spans(cells)


def test_every_reference_experiment_of_the_book_is_inside_its_solution():
    found = 0
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        inside = markers.in_solution_span(cells)
        for cell, hidden_in_solution in zip(cells, inside):
            first = cell.source.split("\n", 1)[0]
            if cell.cell_type == "code" and first.startswith("# 练习") and "参考实验" in first:
                assert hidden_in_solution, (path.name, first)
                found += 1
    assert found >= 8  # 书里至少有这么多参考实验；找不到说明识别的写法变了
