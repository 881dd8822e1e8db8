"""练习编号全书一致：网页标题是“练习 3.2-3”（不是全书顺序号），解答标题指向同一个编号，
折叠提示是中文；检查器、教师指南、正文里的引用用的是同一套编号。
前提是书已经构建好（make test 会先构建）。
"""

import re

import nbformat
from conftest import ROOT

from lesson_utils.exercises import EXERCISES, LAYER_EXERCISES

HTML = ROOT / "_build" / "html" / "book"
TITLE = re.compile(r'<p class="admonition-title">(.*?)</p>', re.S)


def labels(notebook_path):
    text = "\n".join(c.source for c in nbformat.read(notebook_path, as_version=4).cells)
    return re.findall(r":label: ex-(\d+)-(\d+)-(\d+)", text)


def pages():
    return sorted((ROOT / "book").glob("ch*/*.ipynb"))


def test_checker_ids_and_teacher_table_match_the_book_labels():
    book_ids = {f"{a}.{b}-{c}" for nb in pages() for a, b, c in labels(nb)}
    assert set(EXERCISES) - set(LAYER_EXERCISES) <= book_ids
    table = (ROOT / "book/appendix/teachers.md").read_text(encoding="utf-8")
    table_ids = set(re.findall(r"^\| (\d\.\d-\d) \|", table, re.M))
    assert table_ids == book_ids


def test_prose_refers_to_exercises_by_their_id():
    for notebook in pages():
        text = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells)
        assert not re.search(r"练习 \d(?![.\d])", text), notebook  # “练习 5”这种旧式顺序号
