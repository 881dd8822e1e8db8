"""构建好的网页书（make book；make test 先构建它）：练习的标题用本节内的编号，
公式与图的编号与 Jupyter 版一致，每张图都有编号图注和说出内容的替代文字。"""

import re
from html.parser import HTMLParser

import nbformat
import pytest
from conftest import ROOT, labels, pages

from book_tools import jupyter_edition as je
from lesson_utils.explore import DEFAULT_ALT

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


# ---------------------------------------------------------------- 图：编号、图注、替代文字


class Figures(HTMLParser):
    """正文（<article>）里的每个 <img>：(alt, 所在 <figure> 的 id, 图注里的编号)。"""

    def __init__(self):
        super().__init__()
        self.images, self.stack, self.in_article, self.in_number = [], [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.in_article += 1
        elif tag == "figure":
            self.stack.append({"id": attrs.get("id"), "number": None, "images": []})
        elif tag == "img" and self.in_article:
            image = {"alt": attrs.get("alt"), "figure": None, "number": None}
            self.images.append(image)
            if self.stack:
                self.stack[-1]["images"].append(image)
        elif tag == "span" and "caption-number" in (attrs.get("class") or ""):
            self.in_number = True

    def handle_data(self, data):
        if self.in_number and self.stack:
            self.stack[-1]["number"] = data.strip().removeprefix("图").strip()

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article -= 1
        elif tag == "span":
            self.in_number = False
        elif tag == "figure" and self.stack:
            figure = self.stack.pop()
            for image in figure["images"]:
                image.update(figure=figure["id"], number=figure["number"])


def figures_in(page):
    parser = Figures()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.images


def built_pages():
    if not (HTML / "index.html").exists():
        pytest.fail("没有找到 _build/html：先运行 make book（make test 会自动先构建）")
    return sorted((HTML / "book").rglob("*.html"))


# 不是“说出图里画了什么”的替代文字：空、路径或文件名、散列值，或 explore 的缺省说法
BAD_ALT = re.compile(
    r"^\s*$|[/\\]|\.(png|jpe?g|gif|svg|webp)\b|[0-9a-f]{16,}|^" + re.escape(DEFAULT_ALT) + "$",
    re.I,
)


def uncaptioned_cells(notebook):
    """笔记本里显示图（PNG 或 explore 控件）却没有 mystnb.figure 图注的代码单元。"""
    found = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        shows_image = any(
            "image/png" in output.get("data", {})
            or "lu-explore" in str(output.get("data", {}).get("text/html", ""))
            for output in cell.get("outputs", [])
            if je.is_displayed(output)
        )
        if cell.cell_type == "code" and shows_image and je.cell_figure(cell) is None:
            found.append(cell.id)
    return found


def test_every_image_has_alt_text_that_says_what_it_shows():
    bad = {}
    for page in built_pages():
        for image in figures_in(page):
            if image["alt"] is None or BAD_ALT.search(image["alt"]):
                bad.setdefault(str(page.relative_to(HTML)), []).append(image["alt"])
    assert not bad, f"这些图的替代文字（alt）没有说出图里画了什么：{bad}"


def test_every_figure_is_numbered_and_captioned():
    """网页上每张图都在带编号图注的 <figure> 里；缺的，列出笔记本里要补图注的单元。"""
    missing = {}
    for page in built_pages():
        if any(image["number"] is None for image in figures_in(page)):
            notebook = (ROOT / page.relative_to(HTML)).with_suffix(".ipynb")
            cells = uncaptioned_cells(notebook) if notebook.exists() else ["（不是笔记本）"]
            missing[str(page.relative_to(HTML))] = cells
    assert not missing, (
        "这些页上有没有编号图注的图；给列出的代码单元加 metadata.mystnb.figure "
        f"（caption、name）与 image.alt：{missing}"
    )


def test_figure_numbers_match_the_jupyter_edition(context):
    """网页的“图 3.1.2”与 Jupyter 版（BookContext.figures，{numref} 与图注单元用它）一致。"""
    in_html = {}
    for page in built_pages():
        for image in figures_in(page):
            if image["figure"] and image["number"]:
                in_html[image["figure"]] = image["number"]
    assert in_html, "网页版里没有带编号的图"
    assert in_html == context.figures


def test_running_appendix_shows_the_real_wheel_install_command():
    """MyST 不在代码里做替换：安装命令用 {{ wheel_install }} 整体替换，页面上不能留下 {{ … }}。"""
    page = (HTML / "book" / "appendix" / "running.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "{{" not in text and "wheel_name" not in text and "wheel_install" not in text
    wheel = re.search(r"pip install (\S+\.whl)", text)
    assert wheel and wheel.group(1).startswith("dl_principles_book-"), wheel
