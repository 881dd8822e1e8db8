"""笔记本里的标记只在 book_tools.markers 里写一次；这里检查它们认得书里实际的写法。"""

import re

import nbformat
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
