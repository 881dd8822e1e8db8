"""Jupyter 版笔记本（book_tools.jupyter_edition）：MyST 结构的转换规则，全书没有残留的 MyST 语法，
公式编号与网页版一致，提交的 notebooks/ 与笔记本同步。"""

import re

import nbformat
import pytest
from conftest import ROOT

from book_tools import jupyter_edition as je

HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="module")
def context():
    return je.BookContext.load(ROOT)


def book_notebooks(context):
    return sorted(context.notebooks)


def convert(text, context, docname="book/ch3/3-2-cnn"):
    return je.convert_markdown(text, docname=docname, context=context)


# ---------------------------------------------------------------- 单条规则


def test_admonition_becomes_a_blockquote_whose_body_is_still_markdown(context):
    # 引用块而不是 HTML 块：装了 jupyterlab-myst 的 JupyterLab 不排版 HTML 块里的公式
    text = "```{admonition} 原文注解\n:class: warning\n- **粗体** 与 $x^2$\n```\n"
    out = convert(text, context)
    assert out.startswith("> **原文注解**\n>\n> - **粗体** 与 $x^2$")
    assert "<div" not in out
    rendered = je.jupyter_renderer().render(out)
    assert "<blockquote>" in rendered and "<strong>粗体</strong>" in rendered and "<li>" in rendered


def test_exercise_heading_and_collapsed_solution_with_nested_equation_reference(context):
    text = (
        "````{exercise}\n:label: ex-3-2-4\n\n题目\n````\n\n"
        "````{solution} ex-3-2-4\n:class: dropdown\n\n见 {eq}`eq-conv-forward`。\n"
        "```python\nx = 1\n```\n````\n"
    )
    out = convert(text, context)
    number = context.equations["eq-conv-forward"]
    assert out.startswith("#### 练习 3.2-4\n\n题目\n")
    assert f"<details>\n<summary>解答</summary>\n\n见 ({number})。\n```python\nx = 1\n```" in out
    assert out.rstrip().endswith("</details>")


def test_a_solution_spanning_cells_folds_its_text_code_and_outputs(context):
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    output = nbformat.v4.new_output("stream", text="结果\n")
    notebook = nbformat.v4.new_notebook(
        cells=[
            md(
                "````{exercise}\n:label: ex-3-2-4\n\n题目\n````\n\n"
                "````{solution-start} ex-3-2-4\n:class: dropdown\n````\n\n"
                "见 {eq}`eq-conv-forward`。"
            ),
            code("# 练习 3.2-4 的参考实验", metadata={"tags": ["hide-input"]}, outputs=[output]),
            md("````{solution-end}\n````"),
            md("正文"),
        ]
    )
    edition = je.convert_notebook(notebook, "book/ch3/3-2-cnn", context)
    assert [c.cell_type for c in edition.cells] == ["markdown", "code", "markdown"]
    number = context.equations["eq-conv-forward"]
    first = edition.cells[0].source
    assert first.startswith("#### 练习 3.2-4\n\n题目")
    assert first.endswith(f"<details>\n<summary>解答</summary>\n\n见 ({number})。\n\n</details>")
    folded = edition.cells[1].metadata["jupyter"]
    assert folded == {"source_hidden": True, "outputs_hidden": True}
    assert edition.cells[1].outputs == [output] and edition.cells[2].source == "正文"


def figure_cell(name="fig-3-1-graph", caption="计算图，见 {eq}`eq-conv-forward`", outputs=1):
    image = nbformat.v4.new_output("display_data", data={"image/png": "", "text/plain": "<Figure>"})
    return nbformat.v4.new_code_cell(
        "plt.show()",
        metadata={"mystnb": {"figure": {"caption": caption, "name": name}}},
        outputs=[image] * outputs,
    )


def test_a_captioned_figure_gets_the_book_number_and_its_caption_below(context):
    md = nbformat.v4.new_markdown_cell
    notebook = nbformat.v4.new_notebook(
        cells=[
            md("{numref}`fig-3-1-graph` 里，{numref}`图 %s 的红色箭头 <fig-3-1-graph>`是梯度。"),
            figure_cell(),
        ]
    )
    edition = je.convert_notebook(notebook, "book/ch3/3-1-feedforward-backprop", context)
    number = context.figures["fig-3-1-graph"]
    assert number == "3.1.1"  # 3.1 节的第一张图
    assert edition.cells[0].source == f"图 {number} 里，图 {number} 的红色箭头是梯度。"
    caption = edition.cells[2]
    assert caption.cell_type == "markdown" and caption.id == f"{notebook.cells[1].id}-caption"
    eq = context.equations["eq-conv-forward"]
    assert caption.source == f"**图 {number}**　计算图，见 ({eq})"


def test_figures_are_numbered_by_the_section_in_the_page_title(context):
    from book_tools.sphinx_ext.figure_numbers import section_prefix

    assert section_prefix("3.4.1 DCGAN：卷积的生成器") == (3, 4, 1)
    assert section_prefix("前言") == ()
    numbers = context.figures
    assert numbers["fig-3-4-1-samples"] == "3.4.1.1" and numbers["fig-3-4-loop"] == "3.4.1"
    assert numbers["fig-chapter-dependencies"] == "1"  # 前言的标题不带节号：页内从 1 编起
    by_page = {}
    for number in numbers.values():
        *prefix, index = number.split(".")
        by_page.setdefault(tuple(prefix), []).append(int(index))
    assert all(sorted(i) == list(range(1, len(i) + 1)) for i in by_page.values()), by_page


@pytest.mark.parametrize(
    "cell, words",
    [
        (figure_cell(name=""), "caption 和 name"),
        (figure_cell(caption=""), "caption 和 name"),
        (figure_cell(outputs=2), "只能有一个"),
    ],
)
def test_a_figure_caption_needs_a_name_and_one_output(context, cell, words):
    with pytest.raises(ValueError, match=words):
        je.convert_notebook(nbformat.v4.new_notebook(cells=[cell]), None, context)


def test_labelled_equation_gets_the_book_number_as_a_tag(context):
    text = "$$\ny = x\n$$ (eq-conv-size)\n"
    assert (
        convert(text, context) == f"$$\ny = x\n\\tag{{{context.equations['eq-conv-size']}}}\n$$\n"
    )


def test_citations_are_author_year_and_the_notebook_gets_a_reference_list(context):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell(
            "LSTM {cite:p}`hochreiter1997long`，{cite:t}`kingma2015adam`。"
        )
    ]
    edition = je.convert_notebook(notebook, "book/ch3/3-3-rnn", context)
    assert (
        edition.cells[0].source == "LSTM [Hochreiter and Schmidhuber, 1997]，Kingma and Ba [2015]。"
    )
    references = edition.cells[-1].source
    assert references.startswith("## 参考文献")
    assert (
        "- [Hochreiter and Schmidhuber, 1997] Sepp Hochreiter and Jürgen Schmidhuber." in references
    )
    assert references.index("Hochreiter") < references.index("Kingma")
    assert "\\(" not in references  # Jupyter 会把 \( 当成行内公式
    assert notebook.cells[0].source.startswith("LSTM {cite:p}")  # 原笔记本没被改动


def test_doc_links_point_to_the_notebook_of_the_edition(context):
    out = convert(
        "见 {doc}`../ch3/3-1-feedforward-backprop` 与 {doc}`符号 <../notation>`。",
        context,
        docname="book/ch1/1-1-what-is-deep-learning",
    )
    title = context.titles["book/ch3/3-1-feedforward-backprop"]
    assert f"[{title}](../ch3/3-1-feedforward-backprop.ipynb)" in out
    # 不是笔记本的页面链接到网页版（_config.yml 没有 html.baseurl 时用仓库的 GitHub Pages 地址）
    assert "[符号](https://dl-principles-zh.github.io/dl-principles-book/book/notation.html)" in out
    assert "{doc}" not in out


def test_bibtex_braces_do_not_reach_the_citation(context):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("原教程 {cite:p}`tutorial` 与 {cite:p}`lecun1998gradient`")
    ]
    edition = je.convert_notebook(notebook, "book/ch1/1-2-history", context)
    assert edition.cells[0].source.startswith("原教程 [佚名, n.d.]")
    references = edition.cells[-1].source
    assert "{" not in references and references.index("LeCun") < references.index("佚名")


def test_code_folded_on_the_web_is_folded_in_jupyter(context):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("draw()", metadata={"tags": ["hide-input"]}),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    edition = je.convert_notebook(notebook, "book/ch3/3-4-gan", context)
    assert edition.cells[0].metadata["jupyter"]["source_hidden"] is True
    assert "jupyter" not in edition.cells[1].metadata


def test_roles_inside_code_spans_and_math_are_left_alone(context):
    text = "写法 `{eq}` 是代码；$\\begin{aligned}a\\end{aligned}$ 是公式。"
    assert convert(text, context) == text


def test_targets_and_comments_are_removed(context):
    assert convert("(sec-x)=\n## 标题\n\n% 注释\n正文\n", context) == "## 标题\n\n正文\n"


@pytest.mark.parametrize(
    "text, name",
    [
        ("{unknownrole}`x`", "unknownrole"),
        ("```{unknowndirective}\nx\n```", "unknowndirective"),
        ("{eq}`no-such-equation`", "no-such-equation"),
        ("{cite:p}`no-such-key`", "no-such-key"),
    ],
)
def test_unknown_constructs_raise_instead_of_leaking(context, text, name):
    with pytest.raises(ValueError, match=name):
        convert(text, context)


def test_leftover_checker_finds_raw_myst():
    raw = "```{note}\nx\n```\n\n见 {eq}`a`。\n\n(sec)=\n## T\n\n$$\nx\n$$ (eq-b)\n"
    kinds = {kind for kind, _ in je.myst_leftovers(raw)}
    assert len(kinds) == 4, kinds
    assert je.myst_leftovers("$$\n\\begin{aligned}x\\end{aligned}\n$$\n\n`{eq}`") == []


# ---------------------------------------------------------------- 全书


@pytest.fixture(scope="module")
def editions(context):
    """{文档名: (书页, 它的 Jupyter 版)}，整本书只转换一次。"""
    converted = {}
    for docname in book_notebooks(context):
        notebook = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
        converted[docname] = notebook, je.convert_notebook(notebook, docname, context)
    return converted


def test_no_notebook_of_the_edition_shows_myst_syntax(editions):
    leftovers = {}
    for docname, (_, edition) in editions.items():
        found = [
            x
            for c in edition.cells
            if c.cell_type == "markdown"
            for x in je.myst_leftovers(c.source)
        ]
        if found:
            leftovers[docname] = found
    assert len(editions) >= 13
    assert not leftovers, leftovers


def test_exercise_and_solution_counts_survive_conversion(editions):
    for docname, (notebook, edition) in editions.items():
        source = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        text = "\n".join(c.source for c in edition.cells if c.cell_type == "markdown")
        solutions = source.count("{solution}") + source.count("{solution-start}")
        assert text.count("<summary>解答</summary>") == solutions, docname
        assert "{solution" not in text, docname
        assert len(re.findall(r"^#### 练习 \d+\.\d+-\d+", text, re.M)) == source.count("{exercise}")


def test_committed_edition_is_in_sync_with_the_book(context, tmp_path):
    written = je.build_edition(tmp_path, ROOT)
    committed = sorted(
        p for p in (ROOT / je.EDITION_DIR).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )  # Jupyter 打开过 notebooks/ 时会留下检查点副本
    assert [p.relative_to(tmp_path) for p in written] == [
        p.relative_to(ROOT / je.EDITION_DIR) for p in committed
    ], "notebooks/ 里的笔记本与书的目录不一致：运行 make edition"
    stale = [
        str(path.relative_to(ROOT))
        for path, fresh in zip(committed, written)
        if path.read_text(encoding="utf-8") != fresh.read_text(encoding="utf-8")
    ]
    assert not stale, f"这些 Jupyter 版笔记本过时了，运行 make edition：{stale}"


def test_every_glued_number_reaches_the_edition(context):
    """{glue:text} 的值取自笔记本存下的输出；myst-nb 把它存在带前缀的 MIME 类型下
    （application/papermill.record/text/plain），取错了键，Jupyter 版的句子里就只剩空白。"""
    role = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")
    checked = 0
    for docname in book_notebooks(context):
        notebook = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
        glued = je.glue_outputs(notebook)
        for cell in notebook.cells:
            if cell.cell_type != "markdown":
                continue
            for name in role.findall(cell.source):
                assert glued[name].get("text/plain", "").strip(), (docname, name)
                checked += 1
    assert checked >= 40  # 全书 40 多处
