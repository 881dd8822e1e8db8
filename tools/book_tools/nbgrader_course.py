"""把练习笔记本写成 nbgrader 课程的 ``source/`` 目录（``make assignments`` 的一部分）。

每个含编程练习的笔记本成为一个作业（作业名 = 笔记本文件名，例如 ``3-1-feedforward-backprop``）：

- 含 ``### BEGIN SOLUTION`` 的代码单元 → nbgrader 的“解答”单元（``solution: true``），
  去掉 ``hide-input``；
- ``check("3.1-3", …)`` 单元 → 自动评分的测试单元（``grade: true``，分值 = 检查器的项数，只读）。
  一项都不对时 ``assert`` 失败（0 分）；否则最后一行输出通过的项数，nbgrader 把它当作部分得分；
- 其余单元只读（``locked: true``）。

传进来的笔记本已由 ``assignments.nbgrader_input`` 删掉 Markdown 里的 ````{solution}```` 块
（nbgrader 只清除解答单元里的标记区域，不删它们）并换成普通 Markdown。

然后照 nbgrader 的常规流程：``generate_assignment``、``autograde``、``export``（见“教师指南”）。
"""

from pathlib import Path

import nbformat

from book_tools.markers import CHECK_LINE, STUB, is_solution_code, reveal
from lesson_utils.exercises import EXERCISES

CONFIG = """# nbgrader 的课程配置（由 make assignments 生成）。在这个目录里运行 nbgrader 的命令。
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "dl-principles"
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
c.ClearSolutions.text_stub = "在这里写你的答案"
c.Execute.timeout = 300
"""


def nbgrader_metadata(grade_id, **flags):
    meta = {"grade": False, "solution": False, "locked": False, "schema_version": 3}
    meta.update(flags, grade_id=grade_id)
    return meta


def test_cell_source(source):
    """检查单元 → (练习编号, nbgrader 测试的源码)；不是检查单元时返回 (None, None)。

    测试在一项都不对时失败，否则最后一行输出通过的项数，nbgrader 把它当作部分得分。
    """
    first, *rest = source.strip().split("\n")
    match = CHECK_LINE.match(first)
    if match is None or (rest and not match["guard"]):
        return None, None
    exercise_id = match["id"]
    lines = [
        f"# 自动评分：{EXERCISES[exercise_id].title}，每项与 PyTorch 一致得 1 分",
        f'result = check("{exercise_id}"{match["args"]})',
        f'assert result.passed_items > 0, "练习 {exercise_id} 没有一项正确"',
    ]
    if rest:  # 3.4 节的“if check(...):”：写对了才画图
        lines += ["if result:", *rest]
    lines.append("result.passed_items")
    return exercise_id, "\n".join(lines)


def nbgrader_source(notebook, name):
    """给笔记本的每个单元加上 nbgrader 元数据；返回新笔记本与 {练习编号: 分值}。"""
    source = nbformat.from_dict(notebook)
    points = {}
    for index, cell in enumerate(source.cells):
        grade_id = f"{name}-cell-{index}"
        cell.metadata.pop("nbgrader", None)
        if cell.cell_type == "markdown":
            cell.metadata["nbgrader"] = nbgrader_metadata(grade_id, locked=True)
            continue
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        exercise_id, test = test_cell_source(cell.source)
        if is_solution_code(cell):
            reveal(cell)
            cell.metadata["nbgrader"] = nbgrader_metadata(f"{grade_id}-solution", solution=True)
        elif exercise_id is not None:
            cell.source = test
            points[exercise_id] = len(EXERCISES[exercise_id].items)
            test_id = "test-" + exercise_id.replace(".", "-")  # grade_id 里不能有点
            cell.metadata["nbgrader"] = nbgrader_metadata(
                test_id, grade=True, locked=True, points=points[exercise_id]
            )
        else:
            cell.metadata["nbgrader"] = nbgrader_metadata(grade_id, locked=True)
    source.metadata.pop("widgets", None)
    return source, points


def write_course(course_dir, notebooks):
    """notebooks: {作业名: 笔记本}。
    写 course_dir/source/<作业名>/<作业名>.ipynb 与 nbgrader_config.py。"""
    course_dir = Path(course_dir)
    summary = {}
    for name, notebook in notebooks.items():
        source, points = nbgrader_source(notebook, name)
        target = course_dir / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(source, target)
        summary[name] = points
    config = CONFIG.format(stub="\n".join(STUB))
    (course_dir / "nbgrader_config.py").write_text(config, encoding="utf-8")
    return summary
