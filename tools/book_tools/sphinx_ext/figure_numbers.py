"""图按所在的节编号：3.1 节的第 2 张图是“图 3.1.2”，网页、Jupyter 版与 PDF 相同。

书的目录不用 Sphinx 的自动节号（标题里已经写着“3.1”），于是 Sphinx 的 numfig 把图按全书顺序
编号（“图 17”）。这里在 Sphinx 编好号之后，把每页的图改成“页标题的节号.页内序号”：
标题以“3.4.1 ”开头的页，第一张图是 3.4.1.1。标题不带节号的页（前言、附录）的图在页内从 1 编起。
Jupyter 版（book_tools.jupyter_edition.BookContext.figures）用同一个规则，测试比较两者。

PDF：LaTeX 自己数 figure 计数器。每页开头插入一段只给 LaTeX 的代码，把计数器清零并把
``\\thefigure`` 设成“节号.序号”，于是图注与 ``{numref}`` 的 ``\\ref`` 都印成同样的编号。

只改 figure 类型的编号（表格、代码块不动）。

PDF 里的交互图：``lesson_utils.explore`` 的输出只有控件（widget-view）、网页控件（text/html）与一行
文字，LaTeX 只能印出那行文字。读入每页时，从网页控件里取出默认取值的那张图（与它的 alt），作为
image/png 加进同一个输出；网页仍选 text/html，PDF 选这张图，图注与编号照常。
"""

import base64
import hashlib
import html
import re
from pathlib import Path

from docutils import nodes

SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+)*)\s")


def section_prefix(title):
    """页标题 → 节号元组：“3.4.1 DCGAN …” → (3, 4, 1)；不带节号的标题 → ()。"""
    match = SECTION_NUMBER.match(title.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


def figure_number(prefix, index):
    """页内第 index 张图（从 1 起）的编号文字，如 “3.1.2”。"""
    return ".".join(str(n) for n in (*prefix, index))


def renumber_figures(app, env):
    """env-get-updated：在 Sphinx 的全书编号之后运行，按页改成“节号.页内序号”。"""
    changed = []
    for docname, numbers in env.toc_fignumbers.items():
        figures = numbers.get("figure")
        if not figures:
            continue
        prefix = section_prefix(env.titles[docname].astext()) if docname in env.titles else ()
        ordered = sorted(figures, key=figures.get)  # Sphinx 的全书序号保留了页内顺序
        renumbered = {ident: (*prefix, i) for i, ident in enumerate(ordered, start=1)}
        if renumbered != figures:
            numbers["figure"] = renumbered
            changed.append(docname)
    return changed


def latex_figure_counter(app, doctree):
    """doctree-read：页标题之后插入只给 LaTeX 的计数器设置（网页不输出 format="latex" 的 raw）。"""
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children:
        return
    prefix = section_prefix(section[0].astext())
    number = "".join(f"{n}." for n in prefix) + r"\arabic{figure}"
    code = rf"\setcounter{{figure}}{{0}}\renewcommand{{\thefigure}}{{{number}}}"
    section.insert(1, nodes.raw("", code, format="latex"))


EXPLORE_IMAGE = re.compile(
    r'<img class="lu-explore-figure" alt="([^"]*)" src="data:image/png;base64,([^"]+)"'
)


def explore_default_images(app, doctree):
    """doctree-read（在 Sphinx 登记图片之前）：explore 输出加一个默认图的 image/png。"""
    folder = Path(app.outdir).parent / "explore_frames"
    for bundle in doctree.findall(nodes.container):
        if bundle.get("nb_element") != "mime_bundle":
            continue
        types = {child.get("mime_type"): child for child in bundle.children}
        found = "text/html" in types and EXPLORE_IMAGE.search(types["text/html"].astext())
        if not found or "image/png" in types:
            continue
        data = base64.b64decode(found.group(2))
        path = folder / f"{hashlib.sha256(data).hexdigest()}.png"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        uri = "/" + str(path.resolve().relative_to(Path(app.srcdir).resolve()))
        image = nodes.image(uri=uri, alt=html.unescape(found.group(1)))
        bundle.append(nodes.container("", image, mime_type="image/png"))


def setup(app):
    app.connect("env-get-updated", renumber_figures, priority=900)
    app.connect("doctree-read", latex_figure_counter)
    app.connect("doctree-read", explore_default_images, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
