"""“亲手实现各层”的作业笔记本，由笔记本里的 ``#| export`` 单元生成（单一来源，不另抄一份答案）。

对每个作业，取指定笔记本里导出到指定模块的代码单元；要学生写的函数保留签名与文档字符串（形状写在里面），
函数体包进 ``### BEGIN SOLUTION`` / ``### END SOLUTION``——答案版就是原来的实现，学生版由
``markers.clear_solution_code`` 换成桩，nbgrader 也认得同样的标记。每个作业最后是检查单元：
检查器在随机的、笔记本里没有演示过的形状上与 PyTorch 对照（``exercises.LAYER_EXERCISES``）。
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import nbformat

from book_tools import repo_root
from book_tools.export import exported_cells
from book_tools.markers import mark_solution
from lesson_utils.exercises import EXERCISES


@dataclass(frozen=True)
class LayerAssignment:
    title: str
    notebook: str  # 导出单元所在的笔记本（相对仓库根目录）
    modules: tuple  # 取哪些 `#| export` 模块的单元
    exercises: tuple  # 检查单元，按顺序
    given: str = ""  # 可以直接用的前几节的函数（写进开头的说明）


LAYER_ASSIGNMENTS = {
    "3-1-layers": LayerAssignment(
        "3.1 全连接层、激活函数与 softmax 交叉熵",
        "book/ch3/3-1-feedforward-backprop.ipynb",
        ("nn.linear", "nn.activations", "nn.losses"),
        ("3.1-linear", "3.1-activations", "3.1-softmax-ce"),
    ),
    "3-2-layers": LayerAssignment(
        "3.2 卷积层、最大池化与转置卷积",
        "book/ch3/3-2-cnn.ipynb",
        ("nn.conv", "nn.pooling", "nn.conv_transpose"),
        ("3.2-conv2d", "3.2-max-pool", "3.2-conv-transpose2d"),
    ),
    "3-3-layers": LayerAssignment(
        "3.3 RNN 与 LSTM 的前向与时间反向传播（BPTT）",
        "book/ch3/3-3-rnn.ipynb",
        ("nn.rnn", "nn.lstm"),
        ("3.3-rnn", "3.3-lstm"),
    ),
    "3-4-layers": LayerAssignment(
        "3.4 数值稳定的二元交叉熵、多层感知机与 GAN 的梯度",
        "book/ch3/3-4-gan.ipynb",
        ("nn.losses", "nn.mlp", "nn.gan"),
        ("3.4-bce", "3.4-mlp", "3.4-discriminator", "3.4-generator"),
        "3.1 节的层已经导入，可以直接用：`out, cache = linear_forward(x, W, b)`、"
        "`dx, dW, db = linear_backward(dout, cache)`、`out, cache = relu_forward(x)`、"
        "`dx = relu_backward(dout, cache)`。判别器与生成器分开检查、分开计分。",
    ),
}

INTRO = """# 作业：亲手实现 {title}

这份作业里的函数就是本书 `lesson_utils.nn` 用的那些。每个函数保留了签名和文档字符串
（写明了每个数组的形状），函数体要你自己写：把 `raise NotImplementedError()` 换成你的实现。
代码里已经导入的（前几节的层、输入检查）可以直接用；要你写的函数不要从 `lesson_utils.nn`
导入现成的实现——后面的函数调用的也是你写的版本，直接导入的参考实现不计分。
导入的 `check_*` 是本书实现里的输入检查（形状不对时报出清楚的错误），
可用可不用，检查单元不考它们。

{given}写完一组就运行后面的检查单元：它在随机的形状上（与书里演示的不同）把你的前向输出和每一个梯度
与 PyTorch 的自动求导逐项对照，用中文告诉你哪一项不对。反向还没写时，前向也会单独得到判定。
批改时用的是同样的检查，得分 = 与 PyTorch 一致的项数 / 总项数。
"""


def mark_bodies(source, names):
    """在 names 里每个函数的函数体（文档字符串之后）外面加上 BEGIN/END SOLUTION 标记。"""
    lines = source.split("\n")
    functions = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name in names
    ]
    for node in sorted(functions, key=lambda n: n.lineno, reverse=True):  # 从后往前，行号不乱
        body = node.body
        if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # 文档字符串留给学生
        first, last = body[0].lineno - 1, node.end_lineno
        indent = " " * body[0].col_offset
        lines[first:last] = mark_solution(lines[first:last], indent)
    return "\n".join(lines)


def import_nodes(source):
    return [n for n in ast.parse(source).body if isinstance(n, (ast.Import, ast.ImportFrom))]


def drop_target_imports(source, targets):
    """去掉从 lesson_utils 导入要学生写的函数的那部分：后面的代码要调用学生自己的版本。"""
    lines = source.split("\n")
    for node in reversed(import_nodes(source)):
        if not (
            isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lesson_utils")
        ):
            continue
        dropped = [a.name for a in node.names if a.name in targets]
        if not dropped:
            continue
        kept = [a.name for a in node.names if a.name not in targets]
        replacement = [f"# {', '.join(dropped)}：用上面你自己写的版本"]
        if kept:
            replacement.append(f"from {node.module} import {', '.join(kept)}")
        lines[node.lineno - 1 : node.end_lineno] = replacement
    return "\n".join(lines)


def layer_notebook(name, root=None):
    """答案版笔记本（函数体带 BEGIN/END SOLUTION 标记）。
    学生版由 assignments.student_version 得到。"""
    root = repo_root() if root is None else Path(root)
    spec = LAYER_ASSIGNMENTS[name]
    targets = {f for exercise_id in spec.exercises for f in EXERCISES[exercise_id].functions}
    code, found = [], set()
    for module, source in exported_cells(root / spec.notebook):
        if module not in spec.modules:
            continue
        defined = {n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)}
        found |= defined & targets
        code.append((module, drop_target_imports(mark_bodies(source, targets), targets)))
    missing = targets - found
    if missing:
        raise ValueError(f"layer_notebook: {spec.notebook} 的导出单元里没有 {sorted(missing)}")
    given = f"{spec.given}\n\n" if spec.given else ""
    cells = [
        nbformat.v4.new_markdown_cell(INTRO.format(title=spec.title, given=given)),
        nbformat.v4.new_code_cell("import numpy as np\n\nfrom lesson_utils.exercises import check"),
    ]
    for module, source in code:
        cells.append(nbformat.v4.new_markdown_cell(f"## `lesson_utils.{module}`"))
        cells.append(nbformat.v4.new_code_cell(source))
    cells.append(nbformat.v4.new_markdown_cell("## 检查"))
    for exercise_id in spec.exercises:
        functions = ", ".join(EXERCISES[exercise_id].functions)
        cells.append(nbformat.v4.new_code_cell(f'check("{exercise_id}", {functions})'))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook
