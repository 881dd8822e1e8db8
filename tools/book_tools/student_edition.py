"""学生版的书（``make book EDITION=student``）：网页里没有任何解答与参考实现，下载的 .ipynb 也没有。

把书的源文件复制到一个目录，其中每个笔记本换成学生版：Markdown 里的 ``{solution}`` 块删掉
（不是折叠），跨单元的解答（``{solution-start}`` 到 ``{solution-end}``，含练习的参考实验
及其输出）整段删掉，
参考实现的代码单元换成与作业相同的桩、不再隐藏，检查单元的输出清空（否则会显示“全部一致”）。
其余单元与输出原样保留，所以正文、图和正文里的实验都和教师版一样。然后用同样的配置构建这份源文件。
"""

import argparse
import shutil
import sys
from pathlib import Path

import nbformat
import yaml

from book_tools import repo_root
from book_tools.markers import is_check_cell, remove_solution_spans, remove_solutions

COPIED = ("book", "_toc.yml", "references.bib", "pyproject.toml")
# 自带的 JS、随书的 wheel，原样使用（本书的 Sphinx 扩展在已安装的 book_tools 里，不用复制）
LINKED = ("_vendor", "_build/dist")


def student_page(notebook):
    """一页笔记本的学生版（新对象）：解答删掉，参考实现换成桩，检查单元没有输出。"""
    page = nbformat.from_dict(notebook)
    remove_solution_spans(page)  # 练习的参考实验（连同输出）整段删去
    for cell in page.cells:
        stubbed = remove_solutions(cell)
        if stubbed or is_check_cell(cell):
            cell.outputs, cell.execution_count = [], None
    return page


def write_student_source(out_dir, root=None):
    """把书的源文件写到 out_dir，笔记本换成学生版。返回改写过的笔记本个数。"""
    root = repo_root() if root is None else Path(root)
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    for name in COPIED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, out_dir / name, ignore=shutil.ignore_patterns("_build"))
        else:
            shutil.copy2(source, out_dir / name)
    for name in LINKED:
        (out_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / name).symlink_to((root / name).resolve(), target_is_directory=True)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    # Colab 按钮打开的是 GitHub 上仓库里的 Jupyter 版（含解答），学生版不提供它
    config.setdefault("launch_buttons", {})["colab_url"] = ""
    (out_dir / "_config.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    changed = 0
    for path in sorted((out_dir / "book").rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        page = student_page(notebook)
        if page != notebook:
            nbformat.write(page, path)
            changed += 1
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description="写学生版书的源文件（没有解答与参考实现）")
    parser.add_argument("out", help="输出目录，例如 _build/student-src")
    args = parser.parse_args(argv)
    changed = write_student_source(args.out)
    print(f"学生版源文件在 {args.out}（{changed} 个笔记本去掉了解答）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
