"""学生版的书（make book EDITION=student）的源文件：没有解答块、没有参考实现，检查单元没有输出，
其余内容（正文、图、实验的输出）与教师版相同。"""

import re

import nbformat
import pytest

from lesson_utils.assignments import BEGIN, END
from lesson_utils.export import repo_root
from lesson_utils.student_edition import write_student_source


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "src"
    return out, write_student_source(out)


def pages(root):
    return sorted((root / "book").rglob("*.ipynb"))


def test_every_page_is_there_and_only_exercise_pages_change(source):
    out, changed = source
    assert [p.relative_to(out) for p in pages(out)] == [
        p.relative_to(repo_root()) for p in pages(repo_root())
    ]
    with_solutions = [
        p for p in pages(repo_root()) if "{solution}" in p.read_text(encoding="utf-8")
    ]
    assert changed == len(with_solutions) >= 12


def test_no_solution_or_reference_code_survives(source):
    out, _ = source
    for teacher_path in pages(repo_root()):
        teacher = nbformat.read(teacher_path, as_version=4)
        student = nbformat.read(out / teacher_path.relative_to(repo_root()), as_version=4)
        text = "\n".join(c.source for c in student.cells)
        assert "{solution}" not in text and BEGIN not in text
        for cell in teacher.cells:
            for region in re.findall(rf"{BEGIN}\n(.*?)\n\s*{END}", cell.source, re.S):
                assert region not in text
        for cell in student.cells:
            if cell.cell_type == "code" and re.match(r"(if\s+)?check\(", cell.source):
                assert cell.outputs == []  # 不显示“全部一致”
            if "raise NotImplementedError()" in cell.source:
                assert "hide-input" not in cell.metadata.get("tags", [])
        kept = [c for c in teacher.cells if c.cell_type == "code" and BEGIN not in c.source]
        outputs = sum(bool(c.outputs) for c in kept)
        assert sum(bool(c.get("outputs")) for c in student.cells) >= outputs - 2
