"""练习编号全书一致：网页标题是“练习 3.2-3”（不是全书顺序号），解答标题指向同一个编号，
折叠提示是中文；检查器、教师指南、正文里的引用用的是同一套编号。
前提是书已经构建好（make test 会先构建）。
"""

import re

import nbformat
from conftest import ROOT, labels, pages

from lesson_utils.exercises import EXERCISES, LAYER_EXERCISES


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


TYPES = ("概念", "推导", "编程", "实验")  # 前言与教师指南说的四类


def exercise_types():
    """{练习编号: 页面上题目开头写的类型}，例如 {"3.2-3": "编程"}。"""
    found = {}
    for notebook in pages():
        text = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells)
        for a, b, c, kind in re.findall(r":label: ex-(\d+)-(\d+)-(\d+)\n+（(.*?)）", text):
            found[f"{a}.{b}-{c}"] = kind
    return found


def test_exercise_types_agree_between_pages_guide_and_checkers():
    types = exercise_types()
    book_ids = {f"{a}.{b}-{c}" for nb in pages() for a, b, c in labels(nb)}
    assert set(types) == book_ids, "有练习的第一行没有写“（类型）”"
    unknown = {i: t for i, t in types.items() if t not in TYPES}
    assert not unknown, f"练习类型只有 {TYPES} 四种：{unknown}"
    table = (ROOT / "book/appendix/teachers.md").read_text(encoding="utf-8")
    guide = dict(re.findall(r"^\| (\d\.\d-\d) \| (\S+) \|", table, re.M))
    differ = {i: (types[i], guide.get(i)) for i in types if guide.get(i) != types[i]}
    assert not differ, f"教师指南的类型与页面不同（页面, 指南）：{differ}"
    # 前言说每道编程题都有检查器：编程题与有 check(...) 的题目恰好是同一批
    coding = {i for i, t in types.items() if t == "编程"}
    checked = set(EXERCISES) - set(LAYER_EXERCISES)
    assert coding - checked == set(), "这些编程题没有检查器"
    assert checked - coding == set(), "这些有检查器的练习不是编程题"
