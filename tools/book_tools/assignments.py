"""学生版作业（``make assignments``，即 ``python -m book_tools.assignments``）。

对 book/ 下每个含编程练习的笔记本写两份到 ``_build/assignments/``：

- ``student/``：代码单元里 ``### BEGIN SOLUTION`` 与 ``### END SOLUTION`` 之间的内容换成桩
  （与该行同样缩进的 ``# 在这里写你的代码`` 和 ``raise NotImplementedError()``），去掉这些单元的
  ``hide-input`` 标签（学生要看见、要改它们）；Markdown 里的 ````{solution}```` 块整块删除，
  跨单元的解答（``{solution-start}`` … ``{solution-end}``，含练习的参考实验）整段删除；
  清空全部输出、执行计数与控件状态。检查单元 ``check(...)`` 原样保留，对未完成的练习会礼貌地提示。
- ``answers/``：含解答与输出，给教师；Markdown 与 student/ 一样换成普通 Markdown（解答折叠）。
- ``student/layers/``、``answers/layers/``：“亲手实现各层”的作业
  （见 book_tools.layer_assignments）。
- ``nbgrader/``：以上全部作业的 nbgrader 课程目录（见 book_tools.nbgrader_course）。

student/ 不经过 nbgrader：不用 nbgrader 的教师（make grade）不需要它的数据库与服务器；
标记与 nbgrader 相同，用 nbgrader 的教师用 nbgrader/ 目录走 nbgrader 自己的流程。
"""

import argparse
import shutil
import sys
from pathlib import Path

import nbformat

from book_tools import repo_root
from book_tools.jupyter_edition import convert_notebook
from book_tools.layer_assignments import LAYER_ASSIGNMENTS, layer_notebook
from book_tools.markers import remove_solution_spans, remove_solutions, strip_solutions
from book_tools.nbgrader_course import write_course


def student_version(notebook, docname=None):
    """返回学生版（新对象，不改原笔记本）和被清掉的解答单元个数。

    Markdown 里的解答块删掉后，其余 MyST（练习块、提示框、公式编号、引用）换成普通 Markdown
    （book_tools.jupyter_edition），在普通 Jupyter 与 Colab 里也能读；docname（如
    book/ch3/3-2-cnn）用于解析页面间的链接。
    """
    student = nbformat.from_dict(notebook)
    cleared = strip_solutions(student)
    # 转换要读 glue 的输出（正文里引用的运行结果），所以先转换，它同时清空全部输出
    student = convert_notebook(student, docname, keep_outputs=False)
    student.metadata.pop("widgets", None)  # 控件状态里存着运行结果（例如画好的图）
    return student, cleared


def nbgrader_input(notebook, docname):
    """nbgrader 课程的 source 笔记本：Markdown 的解答块删掉，其余 MyST 换成普通 Markdown
    （发给学生的 release 由它生成）；代码里的参考实现留着，由 nbgrader 换成桩。"""
    source = nbformat.from_dict(notebook)
    remove_solution_spans(source)  # 练习的参考实验不发给学生
    for cell in source.cells:
        if cell.cell_type == "markdown":
            remove_solutions(cell)
    return convert_notebook(source, docname, keep_outputs=False)


def exercise_notebooks(root):
    """book/ 下所有含练习的笔记本（第 1–2 章只有概念、推导与实验题，也要学生版）。"""
    return sorted(
        path
        for path in (root / "book").rglob("*.ipynb")
        if "_build" not in path.parts and "{exercise}" in path.read_text(encoding="utf-8")
    )


def make_assignments(out_dir, root=None):
    """写 student/、answers/ 与 nbgrader 课程目录 nbgrader/。
    返回 [(相对路径, 清掉的解答单元个数), ...]。"""
    root = repo_root() if root is None else Path(root)
    out_dir = Path(out_dir)
    if out_dir.exists():
        shutil.rmtree(out_dir)

    written, course = [], {}
    for path in exercise_notebooks(root):
        relative = path.relative_to(root / "book")
        notebook = nbformat.read(path, as_version=4)
        docname = path.relative_to(root).with_suffix("").as_posix()
        student, cleared = student_version(notebook, docname)
        # 答案版也是普通 Markdown（解答折叠在 <details> 里），助教在普通 Jupyter 里读得懂
        answers = convert_notebook(notebook, docname)
        for kind, version in (("student", student), ("answers", answers)):
            target = out_dir / kind / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(version, target)
        written.append((relative.as_posix(), cleared))
        if cleared:  # 有编程练习的才进 nbgrader 课程
            course[path.stem] = nbgrader_input(notebook, docname)
    for name in LAYER_ASSIGNMENTS:
        notebook = layer_notebook(name, root)
        student, cleared = student_version(notebook)
        for kind, version in (("student", student), ("answers", notebook)):
            target = out_dir / kind / "layers" / f"{name}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(version, target)
        written.append((f"layers/{name}.ipynb", cleared))
        course[name] = notebook

    write_course(out_dir / "nbgrader", course)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description="生成学生版与答案版的练习笔记本")
    parser.add_argument("--out", default="_build/assignments", help="输出目录")
    args = parser.parse_args(argv)
    written = make_assignments(args.out)
    for relative, cleared in written:
        print(f"{relative}：清掉 {cleared} 个解答单元")
    print(f"学生版在 {args.out}/student/，答案版在 {args.out}/answers/")
    print(f"nbgrader 课程目录在 {args.out}/nbgrader/（source/ 与 nbgrader_config.py）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
