"""make pdf 的最后一步：检查 PDF 真的完整，而不只是“生成了一个文件”。

- XeLaTeX 日志里没有“Missing character”（缺字的地方在 PDF 里是空白）；
- 目录里除根页面外的每一页（各章各节、附录、术语表、参考文献）的标题都出现在 PDF 的文字里；
- 图确实排进去了：PDF 里至少有 20 张图（笔记本里的 matplotlib 图）；
- 排版是中文书的样子：没有英文的“Chapter 13”章标题与页脚，网页上折叠的安装单元没有印出来，
  编程练习的参考实现（也是折叠的）照常印出（_config.yml 的 latex_elements 与
  book_tools/sphinx_ext/latex_hidden_inputs.py）。

用法：python -m book_tools.check_pdf _build/pdf/book.pdf _build/latex/book.log
"""

import re
import subprocess
import sys
from pathlib import Path

import nbformat

from book_tools import repo_root
from book_tools.jupyter_edition import BookContext
from book_tools.markers import HIDE_INPUT, is_solution_code

ROOT = repo_root()


def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def image_count(pdf):
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    )
    return max(0, len(listing.stdout.splitlines()) - 2)


def reference_solution_cells(context):
    """书里编程练习的参考实现单元（含 nbgrader 的 BEGIN SOLUTION 标记）的个数。"""
    count = 0
    for docname in context.notebooks:
        notebook = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
        count += sum(is_solution_code(c) for c in notebook.cells)
    return count


def main(pdf, log):
    problems = []
    missing = sorted(
        set(
            re.findall(
                r"Missing character: There is no (\S+)", Path(log).read_text(errors="replace")
            )
        )
    )
    if missing:
        problems.append(f"缺字：{' '.join(missing)}")
    text = re.sub(r"\s+", "", pdf_text(pdf))
    context = BookContext.load(ROOT)
    root, *pages = context.titles.items()  # 根页面（前言）在 PDF 里是书名页，不单列标题
    for docname, title in pages:
        plain = re.sub(r"[\s`*]|\$[^$]*\$", "", title)
        if plain not in text:
            problems.append(f"PDF 里找不到 {docname} 的标题“{title}”")
    if re.search(r"chapter", text, re.IGNORECASE):
        problems.append("PDF 里有英文的“Chapter”（章标题或页脚）")
    if "准备运行环境" in text:
        problems.append(f"PDF 里印出了网页上折叠的安装单元（{HIDE_INPUT}）")
    solutions = reference_solution_cells(context)
    if text.count("###BEGINSOLUTION") < solutions:
        problems.append(f"PDF 里少了编程练习的参考实现（笔记本里有 {solutions} 个）")
    images = image_count(pdf)
    if images < 20:
        problems.append(f"PDF 里只有 {images} 张图")
    if problems:
        sys.exit("PDF 检查失败：\n" + "\n".join(problems))
    print(f"PDF 检查通过：{len(pages)} 个页面的标题都在，{images} 张图，没有缺字。")


if __name__ == "__main__":
    main(*sys.argv[1:])
