"""Jupyter 版笔记本：把书里的 MyST Markdown 换成 Jupyter、JupyterLab 与 Colab 都能直接显示的
CommonMark + HTML（``make edition``，即 ``python -m book_tools.jupyter_edition``）。

书的笔记本用 MyST 写成：提示框、练习与解答、公式编号与引用、文献引用、文档间链接。网页版由
Sphinx 渲染它们；在 Colab 或普通的 Jupyter 里，它们却显示成原样的 ```` ```{admonition} ```` 代码块。
这里用 MyST 自己的解析器（myst-parser 配置好的 markdown-it-py）找出这些结构，逐个换成：

==========================  ==============================================================
MyST                        Jupyter 版
==========================  ==============================================================
提示框（admonition、note…）  引用块（> 开头，标记加粗体标题，内容仍是 Markdown，公式照常排版）
``{exercise}`` ex-3-2-4     小标题“练习 3.2-4”
``{solution}``              ``<details><summary>解答</summary>…</details>``（点击展开）
``{solution-start}``…         同上；到 ``{solution-end}`` 之间的代码单元（参考实验）代码与输出都折叠
``$$ … $$ (label)``         ``$$ … \\tag{12} $$``，编号与网页版相同（全书连续编号）
``{eq}`label```             “(12)”
代码单元的 mystnb.figure    其后加一个 Markdown 单元“**图 3.1.2**　图注”，编号与网页版相同
``{numref}`fig-…```         “图 3.1.2”（按节编号，规则见 ``sphinx_ext/figure_numbers.py``）
``{cite:p}`` / ``{cite:t}`` “[作者, 年份]” / “作者 [年份]”，笔记本末尾附上引用到的文献
``{doc}`` / ``{ref}``       指向对应笔记本（.ipynb）或网页版页面的链接 / 目标的标题
``{term}``                  术语本身
``{glue}`` 系列             该笔记本里存储的输出值
``(label)=``、``% 注释``     删去
代码单元的 ``hide-input``     ``metadata.jupyter.source_hidden``：JupyterLab 与 Notebook 7 也折叠它
==========================  ==============================================================

公开的函数：

- ``convert_markdown(text, docname=None, context=None) -> str``
- ``convert_notebook(notebook, docname=None, context=None) -> notebook``（新对象，不改原笔记本）
- ``BookContext.load(root)``：全书的公式编号、标题、文献（由 _toc.yml 与 references.bib 得到）

遇到不认识的指令或角色时抛出 ``ValueError``，而不是把它原样留下：测试会因此失败，提醒补上转换规则。
"""

import argparse
import ast
import copy
import functools
import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from book_tools import repo_root
from book_tools.markers import (
    EXERCISE_LABEL,
    SOLUTION_END,
    SOLUTION_START_FENCE,
    exercise_id,
    in_solution_span,
    is_hidden,
)
from book_tools.setup_cell import pages_url
from book_tools.sphinx_ext.figure_numbers import figure_number, section_prefix

EDITION_DIR = "notebooks"  # 提交在仓库里的 Jupyter 版（Colab 按钮打开它）
MYST_EXTENSIONS = {
    "amsmath",
    "dollarmath",
    "colon_fence",
    "deflist",
    "substitution",
}  # 同 _config.yml

# 提示框写成引用块（>）而不是带颜色的 <div>：HTML 块里的公式，JupyterLab（装了 jupyterlab-myst 时）
# 不排版；引用块里的公式在 Jupyter、JupyterLab、Colab 与 GitHub 上都能排版。标题前不加表情符号：
# 没有彩色表情字体的系统会显示成方框。
ADMONITION_TITLES = {  # 提示框指令 → 没写标题时的默认标题
    "admonition": "",
    "note": "注意",
    "seealso": "另见",
    "important": "重要",
    "tip": "提示",
    "hint": "提示",
    "warning": "警告",
    "caution": "小心",
    "attention": "注意",
    "danger": "危险",
    "error": "错误",
}
OPTION_LINE = re.compile(r"^:([\w-]+):\s*(.*)$")
ROLE_TEXT_AND_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)


@functools.cache
def myst_parser():
    """与书（_config.yml 的 myst_enable_extensions）相同配置的 markdown-it 解析器。"""
    config = MdParserConfig(enable_extensions=MYST_EXTENSIONS)
    return create_md_parser(config, RendererHTML)


def exercise_title(label):
    """ex-3-2-4 → “练习 3.2-4”（与检查器 check("3.2-4", …) 的编号一致）。"""
    ident = exercise_id(label)
    if ident is None:
        raise ValueError(f"exercise_title: 练习的 label 应形如 ex-3-2-4，实际是 {label!r}")
    return f"练习 {ident}"


def split_directive(token):
    """fence 记号 → (指令名, 参数, 选项 dict, 正文)。

    选项是正文开头的 ``:key: value`` 行或 YAML 块。
    """
    name, _, argument = token.info.strip()[1:].partition("}")
    lines = token.content.split("\n")
    options = {}
    if lines and lines[0].strip() == "---":
        end = lines.index("---", 1)
        options = yaml.safe_load("\n".join(lines[1:end])) or {}
        lines = lines[end + 1 :]
    else:
        while lines and (match := OPTION_LINE.match(lines[0])):
            options[match.group(1)] = match.group(2)
            lines = lines[1:]
    return name.strip(), argument.strip(), options, "\n".join(lines).strip("\n")


def is_directive(token):
    return token.type in ("fence", "colon_fence") and token.info.strip().startswith("{")


def iter_document_tokens(text):
    """按文档顺序给出块级记号，并递归进入指令的正文（公式可能写在练习或提示框里）。"""
    for token in myst_parser().parse(text):
        yield token
        if is_directive(token):
            yield from iter_document_tokens(split_directive(token)[3])


def markdown_sources(path):
    """一个文档（.md 或 .ipynb）里全部的 Markdown 文本，按顺序。"""
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    text = path.read_text(encoding="utf-8")
    if text.startswith("---\n"):  # 去掉 YAML 头
        text = text.split("\n---\n", 1)[1]
    return [text]


def toc_docnames(toc):
    """_toc.yml（jb-book 格式）→ 按目录顺序的文档名列表，如 book/ch3/3-2-cnn。"""
    names = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                names.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return names


@dataclass
class BookContext:
    """转换时需要的全书信息：公式编号（全书连续，与网页版相同）、每页标题、链接目标、文献。"""

    equations: dict = field(default_factory=dict)  # label → 编号
    figures: dict = field(default_factory=dict)  # 图的 name → 编号文字，如 "3.1.2"
    titles: dict = field(default_factory=dict)  # docname → 标题
    notebooks: set = field(default_factory=set)  # 是笔记本的 docname
    targets: dict = field(default_factory=dict)  # (label)= → 紧随其后的标题
    bibliography: object = None  # pybtex BibliographyData
    site_url: str = ""  # 网页版地址（html.baseurl，没有时是仓库的 GitHub Pages），链接非笔记本页面

    @classmethod
    def load(cls, root=None):
        root = Path(root or repo_root())
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
        toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
        site_url = (config.get("html") or {}).get("baseurl") or pages_url(
            config["repository"]["url"]
        )
        context = cls(site_url=site_url.rstrip("/"))
        for docname in toc_docnames(toc):
            path = next(
                p for p in (root / f"{docname}.ipynb", root / f"{docname}.md") if p.exists()
            )
            if path.suffix == ".ipynb":
                context.notebooks.add(docname)
            context.scan(docname, markdown_sources(path))
            context.scan_figures(docname, figure_names(path))
        bibfiles = config.get("bibtex_bibfiles", [])
        if bibfiles:
            from pybtex.database import parse_file  # sphinxcontrib-bibtex 的依赖

            context.bibliography = parse_file(str(root / bibfiles[0]), bib_format="bibtex")
            for extra in bibfiles[1:]:
                context.bibliography.add_entries(parse_file(str(root / extra)).entries.items())
        return context

    def scan(self, docname, sources):
        pending_target, in_heading = None, False
        for text in sources:
            for token in iter_document_tokens(text):
                if token.type == "heading_open":
                    in_heading = True
                if token.type == "math_block_label":
                    self.equations[token.info] = len(self.equations) + 1
                elif token.type == "myst_target":
                    pending_target = token.content
                elif token.type == "inline" and pending_target is not None:
                    self.targets[pending_target] = token.content
                    pending_target = None
                if token.type == "inline" and in_heading:
                    self.titles.setdefault(docname, token.content)  # 第一个标题即页面标题
                    in_heading = False

    def scan_figures(self, docname, names):
        """按页编号：页标题的节号 + 页内序号（同 sphinx_ext/figure_numbers.py）。"""
        prefix = section_prefix(self.titles.get(docname, ""))
        for index, name in enumerate(names, start=1):
            if name in self.figures:
                raise ValueError(f"figure: 图的 name {name!r} 在全书出现了不止一次")
            self.figures[name] = figure_number(prefix, index)


def cell_figure(cell):
    """代码单元的图注设置 metadata.mystnb.figure（myst-nb 用它把输出包成带编号的图），或 None。

    有图注就必须有 name（{numref} 引用它、编号靠它），且单元只能有一个图的输出：
    myst-nb 会把每个 display_data 输出都包成同名的图。
    """
    figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
    if not figure:
        return None
    ident = cell.get("id", "?")
    if not figure.get("caption") or not figure.get("name"):
        raise ValueError(f"figure: 单元 {ident} 的 mystnb.figure 要同时有 caption 和 name")
    shown = [o for o in cell.get("outputs", []) if is_displayed(o)]
    if len(shown) > 1:
        raise ValueError(f"figure: 单元 {ident} 有 {len(shown)} 个显示输出，带图注的单元只能有一个")
    return figure


def is_displayed(output):
    """网页上显示的输出：display_data / execute_result；glue 存的值不算（myst-nb 把它们拿走）。"""
    glued = output.get("metadata", {}).get("scrapbook", {}).get("mime_prefix")
    return output.get("output_type") in ("display_data", "execute_result") and not glued


def figure_names(path):
    """一个文档里带图注的图的 name，按文档顺序：Markdown 里的 {figure} 指令与代码单元的图注。"""
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        cells = notebook.cells
    else:
        cells = [{"cell_type": "markdown", "source": markdown_sources(path)[0]}]
    names = []
    for cell in cells:
        if cell["cell_type"] == "code":
            figure = cell_figure(cell)
            names += [figure["name"]] if figure else []
            continue
        if cell["cell_type"] != "markdown":
            continue
        for token in iter_document_tokens(cell["source"]):
            if is_directive(token):
                name, _, options, body = split_directive(token)
                if name == "figure" and options.get("name") and body.strip():
                    names.append(options["name"])
    return names


@functools.cache
def default_context():
    return BookContext.load()


# ---------------------------------------------------------------- 行内角色


def citation_label(entry):
    """作者–年份：一位作者写姓，两位写“A and B”，三位以上“A et al.”（同 sphinxcontrib-bibtex）。"""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    # 去掉 BibTeX 保护大小写的花括号：author = {{佚名}} 的姓是 "{佚名}"
    last = [re.sub(r"[{}]", "", " ".join(person.last_names)) for person in people]
    if len(last) > 2:
        names = f"{last[0]} et al."
    else:
        names = " and ".join(last)
    return names, entry.fields.get("year", "")


def cite(keys, style, state):
    context = state.context
    if context.bibliography is None:
        raise ValueError("cite: _config.yml 没有 bibtex_bibfiles，无法解析引用")
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in context.bibliography.entries:
            raise ValueError(f"cite: references.bib 里没有 {key!r}")
        state.cited.setdefault(key, None)
        names, year = citation_label(context.bibliography.entries[key])
        parts.append((names, year))
    if style == "t":
        return "; ".join(f"{names} [{year}]" for names, year in parts)
    return "[" + "; ".join(f"{names}, {year}" for names, year in parts) + "]"


def doc_link(content, state):
    match = ROLE_TEXT_AND_TARGET.match(content)
    text, target = (match.group(1), match.group(2)) if match else (None, content)
    base = posixpath.dirname(state.docname) if state.docname else ""
    docname = (
        posixpath.normpath(posixpath.join(base, target))
        if not target.startswith("/")
        else target[1:]
    )
    context = state.context
    if docname not in context.titles:
        raise ValueError(f"doc: 找不到文档 {target!r}（相对于 {state.docname!r}）")
    text = text or context.titles[docname]
    if docname in context.notebooks:
        return f"[{text}]({posixpath.relpath(docname, base or '.')}.ipynb)"
    if context.site_url:
        return f"[{text}]({context.site_url}/{docname}.html)"
    return f"**{text}**"


def ref_text(content, state):
    match = ROLE_TEXT_AND_TARGET.match(content)
    if match:
        text, target = match.group(1), match.group(2)
        if target in state.context.figures:  # {numref}`%s 的左图 <fig-…>`：%s 是编号
            return text.replace("%s", state.context.figures[target])
        return text
    if content in state.context.figures:
        return f"图 {state.context.figures[content]}"
    if EXERCISE_LABEL.match(content):
        return exercise_title(content)
    if content in state.context.targets:
        return state.context.targets[content]
    if content in state.context.equations:
        return f"({state.context.equations[content]})"
    raise ValueError(f"ref: 不认识的链接目标 {content!r}")


def glue_value(name, state, kind):
    if name not in state.glue:
        raise ValueError(f"glue: 笔记本里没有名为 {name!r} 的 glue 输出")
    data = state.glue[name]
    if kind == "md" and "text/markdown" in data:
        return data["text/markdown"]
    if "text/plain" not in data:
        raise ValueError(f"glue: {name!r} 的输出里没有 text/plain，只有 {sorted(data)}")
    return data["text/plain"]


def glue_text(content, state):
    name, _, spec = content.partition(":")
    value = glue_value(name, state, "text")
    if not spec:
        return value
    try:
        number = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return value
    return format(number, spec)


def figure_caption_cell(cell, state):
    """带图注的代码单元后面的 Markdown 单元：“**图 3.1.2**　图注”（网页上图注在图下方）。"""
    figure = cell_figure(cell)
    if figure is None:
        return None
    number = state.context.figures.get(figure["name"])
    if number is None:
        raise ValueError(f"figure: 全书的编号里没有 {figure['name']!r}（{state.docname}）")
    caption = convert_markdown_state(str(figure["caption"]), state).strip()
    return nbformat.v4.new_markdown_cell(f"**图 {number}**　{caption}", id=f"{cell.id}-caption")


def equation_ref(label, state):
    if label not in state.context.equations:
        raise ValueError(f"eq: 全书没有 label 为 {label!r} 的编号公式")
    return f"({state.context.equations[label]})"


ROLES = {
    "eq": equation_ref,
    "cite:p": lambda content, state: cite(content, "p", state),
    "cite": lambda content, state: cite(content, "p", state),
    "cite:t": lambda content, state: cite(content, "t", state),
    "doc": doc_link,
    "ref": ref_text,
    "numref": ref_text,
    "term": lambda content, state: (ROLE_TEXT_AND_TARGET.match(content) or [None, content])[1],
    "math": lambda content, state: f"${content}$",
    "sub": lambda content, state: f"<sub>{html.escape(content)}</sub>",
    "sup": lambda content, state: f"<sup>{html.escape(content)}</sup>",
    "abbr": lambda content, state: re.sub(r"\s*\(.*\)$", "", content),
    "glue": glue_text,
    "glue:": glue_text,
    "glue:text": glue_text,
    "glue:md": lambda content, state: glue_value(content, state, "md"),
}


def role_source(name, content, segment):
    """角色在源码里的原文（反引号可能不止一个）。"""
    for ticks in ("`", "``", "```"):
        candidate = f"{{{name}}}{ticks}{content}{ticks}"
        if candidate in segment:
            return candidate
    raise ValueError(f"role_source: 在源码里找不到角色 {{{name}}}`{content}`")


def convert_roles(segment, inline_tokens, state):
    """把一个块（segment 是它的源码）里的 MyST 角色换成普通 Markdown。"""
    for token in inline_tokens:
        for child in token.children or []:
            if child.type != "myst_role":
                continue
            name = child.meta["name"]
            if name not in ROLES:
                raise ValueError(f"convert_markdown: 不认识的角色 {{{name}}}（{state.docname}）")
            original = role_source(name, child.content, segment)
            segment = segment.replace(original, ROLES[name](child.content, state), 1)
    return segment


# ---------------------------------------------------------------- 块级指令


def styled_block(title, body):
    """提示框 → 引用块：第一行是加粗的标题，其余每行前面加 “> ”，内容仍按 Markdown 渲染。"""
    heading = [f"**{title}**", ""] if title else []
    lines = [*heading, *body.strip("\n").splitlines()]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def convert_directive(token, state):
    name, argument, options, body = split_directive(token)
    body = (
        convert_markdown_state(body, state) if name not in ("math", "code-block", "code") else body
    )
    if name in ADMONITION_TITLES:
        return styled_block(argument or ADMONITION_TITLES[name], body)
    if name == "exercise":
        title = exercise_title(options["label"]) if "label" in options else "练习"
        if argument:
            title += f"（{argument}）"
        return f"#### {title}\n\n{body}"
    if name == "solution":
        return f"<details>\n<summary>解答</summary>\n\n{body}\n\n</details>"
    if name == "dropdown":
        summary = html.escape(argument or "展开")
        return f"<details>\n<summary>{summary}</summary>\n\n{body}\n\n</details>"
    if name == "math":
        label = options.get("label")
        tag = f"\n\\tag{{{state.context.equations[label]}}}" if label else ""
        return f"$$\n{body}{tag}\n$$"
    if name in ("code-block", "code"):
        return f"```{argument}\n{body}\n```"
    raise ValueError(f"convert_markdown: 不认识的指令 {{{name}}}（{state.docname}）")


def convert_block(token, state):
    """一个顶层块级记号 → 替换文本；None 表示照原样保留（只换其中的角色）。"""
    if is_directive(token):
        return convert_directive(token, state)
    if token.type == "math_block_label":
        return f"$$\n{token.content.strip()}\n\\tag{{{equation_ref(token.info, state)[1:-1]}}}\n$$"
    if token.type in ("myst_target", "myst_line_comment", "myst_block_break"):
        return ""
    if token.type == "dl_open":
        raise ValueError(f"convert_markdown: 定义列表（deflist）还没有转换规则（{state.docname}）")
    return None


@dataclass
class ConversionState:
    context: BookContext
    docname: str | None = None
    glue: dict = field(default_factory=dict)  # glue 名 → 输出的 data
    cited: dict = field(default_factory=dict)  # 按出现顺序记下引用过的文献 key


def convert_markdown_state(text, state):
    lines = text.split("\n")
    tokens = myst_parser().parse(text)
    out, line, index = [], 0, 0
    while index < len(tokens):
        token = tokens[index]
        if token.level != 0 or token.map is None:
            index += 1
            continue
        start, end = token.map
        # 一个顶层块：开标签到配对的闭标签之间的全部记号
        group = [token]
        if token.nesting == 1:
            depth = 1
            while depth:
                index += 1
                group.append(tokens[index])
                depth += tokens[index].nesting if tokens[index].level == 0 else 0
        index += 1
        out.extend(lines[line:start])  # 块之间的空行
        replacement = convert_block(token, state)
        segment = "\n".join(lines[start:end])
        if replacement is None:
            replacement = convert_roles(segment, [t for t in group if t.type == "inline"], state)
        out.append(replacement)
        line = end
    out.extend(lines[line:])
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + (
        "\n" if text.endswith("\n") else ""
    )


def convert_markdown(text, docname=None, context=None):
    """MyST Markdown → Jupyter/Colab 能显示的 CommonMark + HTML。

    docname（如 book/ch3/3-2-cnn）用于解析相对链接；context 默认由本仓库的 _toc.yml 等得到。
    """
    return convert_markdown_state(text, ConversionState(context or default_context(), docname))


def reference_list(keys, bibliography):
    """引用过的文献，按第一作者排序，pybtex 的 plain 格式。

    用纯文本而不是 pybtex 的 Markdown 输出：后者把括号转义成 ``\\(``，
    Jupyter 会把它当成行内公式的开头。
    """
    from pybtex.plugin import find_plugin

    style = find_plugin("pybtex.style.formatting", "plain")()
    entries = sorted(keys, key=lambda key: citation_label(bibliography.entries[key]))
    lines = ["## 参考文献", ""]
    for key in entries:
        names, year = citation_label(bibliography.entries[key])
        formatted = style.format_entry(key, bibliography.entries[key]).text.render_as("text")
        lines.append(f"- [{names}, {year}] " + " ".join(formatted.split()))
    return "\n".join(lines)


# ---------------------------------------------------------------- 检查：Jupyter 会怎样显示


@functools.cache
def jupyter_renderer():
    """像 Jupyter 那样渲染 Markdown：CommonMark（允许 HTML）加 $…$ / $$…$$ 公式。"""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    return MarkdownIt("commonmark").use(dollarmath_plugin, allow_labels=False, double_inline=True)


LEFTOVER_PATTERNS = {
    "角色（{name}`…`）": re.compile(r"\{[\w:.-]+\}<code>"),
    "指令代码块（```{name}）": re.compile(r'class="language-\{'),
    "冒号指令（:::）": re.compile(r"^:::", re.M),
    "指令选项（:label: 等）": re.compile(r"^:[\w-]+:", re.M),
    "链接目标（(label)=）": re.compile(r"^\([\w.-]+\)=", re.M),
    "公式标签（$$ (label)）": re.compile(r"\$\$\s*\([\w.-]*[a-zA-Z][\w.-]*\)"),  # (12) 是编号
    "替换（{{ … }}）": re.compile(r"\{\{.*?\}\}"),
}


def myst_leftovers(markdown):
    """把 Markdown 按 Jupyter 的方式渲染，返回仍然露在外面的 MyST 语法 [(种类, 片段), …]。

    公式里的 {aligned} 之类是 LaTeX，不算；先把渲染结果里的公式换成占位符，再在其余 HTML 里找。
    """
    rendered = jupyter_renderer().render(markdown)
    # 公式换成占位的 $$：这样“公式后紧跟 (label)”仍能被认出来
    rendered = re.sub(r'<(div|span) class="math[^"]*">.*?</\1>', "$$", rendered, flags=re.S)
    rendered = re.sub(r"^<p>|</p>$", "", rendered, flags=re.M)  # 让行首的模式在段落里也能匹配
    found = []
    for kind, pattern in LEFTOVER_PATTERNS.items():
        found += [(kind, match.group(0)) for match in pattern.finditer(rendered)]
    return found


def glue_outputs(notebook):
    """myst-nb 的 glue 输出：metadata.scrapbook.name → data。"""
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            scrapbook = output.get("metadata", {}).get("scrapbook", {})
            if scrapbook.get("name"):
                prefix = scrapbook.get("mime_prefix", "")  # 如 application/papermill.record/
                found[scrapbook["name"]] = {
                    mime.removeprefix(prefix): value
                    for mime, value in output.get("data", {}).items()
                }
    return found


def convert_markdown_cell(source, state):
    """一个 Markdown 单元。跨单元解答的开始单元：开始指令之后的文字（解答的文字说明）折叠进
    ``<details>``；其后的参考实验单元在 convert_notebook 里折叠代码与输出。"""
    start = SOLUTION_START_FENCE.search(source)
    if start is None:
        return convert_markdown_state(source, state)
    head = convert_markdown_state(source[: start.start()], state).rstrip("\n")
    body = convert_markdown_state(source[start.end() :].strip("\n"), state)
    return f"{head}\n\n<details>\n<summary>解答</summary>\n\n{body}\n\n</details>".lstrip("\n")


def convert_notebook(notebook, docname=None, context=None, keep_outputs=True):
    """整本笔记本的 Jupyter 版（新对象）。

    每个 Markdown 单元都转换；引用过文献时，末尾加一个参考文献单元。

    keep_outputs=False 时清空输出与执行计数（提交给 Colab 的版本：读者自己运行）。
    """
    edition = copy.deepcopy(nbformat.from_dict(notebook))
    state = ConversionState(context or default_context(), docname, glue_outputs(edition))
    in_solution = in_solution_span(edition.cells)
    # 跨单元解答的结束单元只有 solution-end 一个指令，Jupyter 版不需要它
    kept = [
        (cell, solution)
        for cell, solution in zip(edition.cells, in_solution)
        if cell.cell_type != "markdown" or not SOLUTION_END.search(cell.source)
    ]
    edition.cells = []
    for cell, solution in kept:
        edition.cells.append(cell)
        if cell.cell_type == "code" and (caption := figure_caption_cell(cell, state)):
            edition.cells.append(caption)
        if cell.cell_type == "markdown":
            cell.source = convert_markdown_cell(cell.source, state)
            continue
        if cell.cell_type != "code":
            continue
        if is_hidden(cell):
            # 网页上折叠的代码（安装单元、示意图、参考实现）：JupyterLab 与 Notebook 7 也折叠它
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
        if solution:
            # 练习的参考实验：网页上连输出都在解答的折叠框里，JupyterLab 里也折叠输出
            cell.metadata.setdefault("jupyter", {})["outputs_hidden"] = True
        if not keep_outputs:
            cell.outputs, cell.execution_count = [], None
    if state.cited:
        references = reference_list(list(state.cited), state.context.bibliography)
        edition.cells.append(nbformat.v4.new_markdown_cell(references, id="references"))
    if docname:
        edition.metadata["jupyter_edition"] = {"source": f"{docname}.ipynb"}
    if not keep_outputs:
        edition.metadata.pop("widgets", None)
    return edition


def edition_path(docname, out_dir):
    """book/ch3/3-2-cnn → out_dir/ch3/3-2-cnn.ipynb（去掉 book/ 前缀，相对链接保持不变）。"""
    relative = docname.split("/", 1)[1] if docname.startswith("book/") else docname
    return Path(out_dir) / f"{relative}.ipynb"


def build_edition(out_dir, root=None, keep_outputs=False):
    """为目录里的每个笔记本写 Jupyter 版，返回写出的路径列表。"""
    root = Path(root or repo_root())
    context = BookContext.load(root)
    written = []
    for docname in sorted(context.notebooks):
        notebook = nbformat.read(root / f"{docname}.ipynb", as_version=4)
        edition = convert_notebook(notebook, docname, context, keep_outputs=keep_outputs)
        path = edition_path(docname, out_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(edition, path)
        written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(repo_root() / EDITION_DIR), help="输出目录")
    parser.add_argument("--keep-outputs", action="store_true", help="保留存储的输出")
    args = parser.parse_args(argv)
    for path in build_edition(args.out, keep_outputs=args.keep_outputs):
        print(path)


if __name__ == "__main__":
    main()
