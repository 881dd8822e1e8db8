"""构建好的网页书（make book；make test 先构建它）：练习的标题用本节内的编号，
公式编号与 Jupyter 版一致。"""

import re

import pytest
from conftest import ROOT, labels, pages

from book_tools import jupyter_edition as je

HTML = ROOT / "_build" / "html"
TITLE = re.compile(r'<p class="admonition-title">(.*?)</p>', re.S)


@pytest.fixture(scope="module")
def context():
    return je.BookContext.load(ROOT)


@pytest.mark.parametrize("notebook", pages(), ids=lambda p: p.stem)
def test_exercise_headings_use_the_section_number(notebook):
    html = HTML / "book" / notebook.parent.name / f"{notebook.stem}.html"
    if not html.exists():
        pytest.fail("没有找到构建好的书：先运行 make book（make test 会自动先构建）")
    text = html.read_text(encoding="utf-8")
    titles = [re.sub(r"<[^>]+>", "", t).strip() for t in TITLE.findall(text)]
    expected = [f"练习 {a}.{b}-{c}" for a, b, c in labels(notebook)]
    assert expected, notebook
    assert [t for t in titles if t.startswith("练习")] == expected
    solutions = [t for t in titles if t.startswith("解答")]
    assert solutions and all(t.removeprefix("解答 ") in expected for t in solutions), solutions
    assert "Click to show" not in text and "点击展开" in text


def test_equation_numbers_match_the_html_book(context):
    if not (HTML / "index.html").exists():
        pytest.fail("没有找到 _build/html：先运行 make book（make test 会自动先构建）")
    in_html = {}
    for page in (HTML / "book").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        pattern = r'id="equation-([\w-]+)">\s*<span class="eqno">\((\d+)\)'
        in_html.update({label: int(n) for label, n in re.findall(pattern, text)})
    assert in_html, "网页版里没有编号公式"
    assert {
        label.lower(): n for label, n in context.equations.items()
    } == in_html  # HTML 的 id 是小写
