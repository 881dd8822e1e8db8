"""学生版的书（make book EDITION=student）的源文件：没有解答块、没有参考实现，检查单元没有输出，
其余内容（正文、图、实验的输出）与教师版相同。"""

import re

import nbformat
import pytest
from conftest import ROOT

from book_tools.markers import (
    BEGIN,
    END,
    STUB,
    in_solution_span,
    is_check_cell,
    is_solution_code,
)
from book_tools.student_edition import write_student_source


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "src"
    return out, write_student_source(out)


def pages(root):
    return sorted((root / "book").rglob("*.ipynb"))


def test_every_page_is_there_and_only_exercise_pages_change(source):
    out, changed = source
    assert [p.relative_to(out) for p in pages(out)] == [p.relative_to(ROOT) for p in pages(ROOT)]
    with_solutions = [
        p for p in pages(ROOT) if re.search(r"\{solution(-start)?\}", p.read_text(encoding="utf-8"))
    ]
    assert changed == len(with_solutions) >= 12


def test_no_solution_or_reference_code_survives(source):
    out, _ = source
    for teacher_path in pages(ROOT):
        teacher = nbformat.read(teacher_path, as_version=4)
        student = nbformat.read(out / teacher_path.relative_to(ROOT), as_version=4)
        text = "\n".join(c.source for c in student.cells)
        assert "{solution" not in text and BEGIN not in text
        assert not [c for c in student.cells if c.cell_type == "code" and "的参考实验" in c.source]
        for cell in teacher.cells:
            for region in re.findall(rf"{BEGIN}\n(.*?)\n\s*{END}", cell.source, re.S):
                assert region not in text
        # 删的是单元里的解答；跨单元的解答（练习的参考实验及其输出）连同单元一起删去
        kept = [
            c for c, inside in zip(teacher.cells, in_solution_span(teacher.cells)) if not inside
        ]
        assert len(student.cells) == len(kept)
        for ours, theirs in zip(student.cells, kept):
            if ours.cell_type != "code":
                continue
            if is_solution_code(theirs) or is_check_cell(theirs):
                assert ours.outputs == []  # 桩没有输出；检查单元不显示“全部一致”
            else:
                assert ours.outputs == theirs.outputs  # 正文的图与实验结果原样保留
            if STUB[1] in ours.source:
                assert "hide-input" not in ours.metadata.get("tags", [])
