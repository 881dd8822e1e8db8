"""单一来源（single source of truth）：把笔记本里的代码单元导出成 ``lesson_utils.nn``。

读者在笔记本里看到、修改的实现，就是后面各章、测试和练习检查器 import 的那一份。
一个代码单元的第一行写 ``#| export nn.linear``，它就会（去掉这一行后）被写进
``src/lesson_utils/nn/linear.py``。同一模块的单元按笔记本路径、单元顺序拼接，每段前面是一行
``# %% 笔记本路径#单元id``，指回它来自的单元（nbdev 的做法）。
包的目录 ``nn/__init__.py`` 也由这里生成：
每个导出单元里定义的公开函数与类（INTERNAL 里的辅助函数除外）都从 ``lesson_utils.nn`` 直接可用。
所以 ``src/lesson_utils/nn/`` 里没有手写的文件。

    python -m book_tools.export          # 重新生成（make export）
    python -m book_tools.export --check  # 只检查是否过期（测试里用），过期则退出码为 1
"""

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

import nbformat

from book_tools import repo_root
from book_tools.markers import export_target

PACKAGE = "lesson_utils"
HEADER = (
    "# 本文件由 make export（python -m book_tools.export）从笔记本里标有 `#| export {module}` 的\n"
    "# 代码单元生成，请勿手工修改：改笔记本里的单元，再重新导出。\n"
    "# 每段代码前的 `# %% 笔记本#单元id` 指出它来自哪个单元。\n"
)
# 只供 nn 内部使用的辅助函数与常量：照样导出到各自的模块，但不列进 lesson_utils.nn 的目录。
# （导出单元若把它们改名为以 _ 开头，就可以删掉这张表：以 _ 开头的名字本来就不列。）
INTERNAL = {
    "CHUNK", "im2col", "col2im",  # nn.conv
    "as_pair", "output_size", "conv_arguments", "pool_arguments", "windows",  # nn.windows
    "offset_slices", "add_windows",  # nn.windows
    "gate_slices", "input_part", "recurrent_arguments",  # nn.rnn
    "gate_scales", "LSTMCache",  # nn.lstm
    "sigmoid",  # nn.gru
    "transposed_arguments",  # nn.conv_transpose
}  # fmt: skip


class ExportedCell:
    """一个导出单元：目标模块、去掉标记行的源码、来自哪里（笔记本路径与单元 id）。"""

    def __init__(self, module, source, notebook, cell_id):
        self.module, self.source, self.notebook, self.cell_id = module, source, notebook, cell_id

    @property
    def back_link(self):
        return f"# %% {self.notebook}#{self.cell_id}"

    def public_names(self):
        """单元里在顶层定义的、要列进 nn 目录的函数与类。"""
        names = []
        for node in ast.parse(self.source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                if not node.name.startswith("_") and node.name not in INTERNAL:
                    names.append(node.name)
        return names


def exported_cells(notebook_path, relative=None):
    """[(模块名, 去掉标记行的源码), ...]，按单元顺序。"""
    return [(c.module, c.source) for c in _exported_cells(notebook_path, relative)]


def _exported_cells(notebook_path, relative=None):
    notebook = nbformat.read(notebook_path, as_version=4)
    relative = relative or Path(notebook_path).as_posix()
    cells = []
    for index, cell in enumerate(notebook.cells):
        target = export_target(cell.source) if cell.cell_type == "code" else None
        if target:
            cells.append(ExportedCell(*target, relative, cell.get("id") or f"cell-{index}"))
    return cells


def book_notebooks(root):
    return sorted(
        path
        for path in (root / "book").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts and "_build" not in path.parts
    )


def render_modules(root=None):
    """{目标文件路径: 文件内容}，由 book/ 下所有笔记本生成（含 nn/__init__.py）。"""
    root = repo_root() if root is None else Path(root)
    cells = defaultdict(list)
    for notebook_path in book_notebooks(root):
        relative = notebook_path.relative_to(root).as_posix()
        for cell in _exported_cells(notebook_path, relative):
            cells[cell.module].append(cell)
    files = {}
    for module, module_cells in cells.items():
        target = root / "src" / PACKAGE / Path(*module.split(".")).with_suffix(".py")
        bodies = [f"{cell.back_link}\n{cell.source}" for cell in module_cells]
        files[target] = HEADER.format(module=module) + "\n" + "\n\n\n".join(bodies) + "\n"
    packages = defaultdict(dict)  # 包（如 nn）→ {子模块: 单元}
    for module, module_cells in cells.items():
        package, _, name = module.rpartition(".")
        if package:
            packages[package][name] = module_cells
    for package, modules in packages.items():
        target = root / "src" / PACKAGE / Path(*package.split(".")) / "__init__.py"
        files[target] = render_package(package, modules)
    return files


def isort_key(name):
    """isort 的 order-by-type：常量、类、其余（函数），各自按字母。"""
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name.lower()


def import_lines(module, names, width=85):
    """``from lesson_utils.nn.x import a, b``；过长时按 ruff/isort 的样子每个名字一行。"""
    line = f"from {PACKAGE}.{module} import {', '.join(names)}"
    if len(line) <= width:
        return [line]
    return [f"from {PACKAGE}.{module} import (", *(f"    {n}," for n in names), ")"]


def render_package(package, modules):
    """包的 __init__.py：说明每个子模块有什么、来自哪一节，再导入公开的名字（按模块名排序）。"""
    lines = [
        f'"""{PACKAGE}.{package}：各章笔记本里推导、实现的 NumPy 层。',
        "",
        "约定（形状与参数布局同 PyTorch）见 ARCHITECTURE.md 的“nn 的约定”。本目录的每个文件",
        "（包括这一个）都由 make export 从笔记本的 ``#| export`` 单元生成，请勿手工修改。",
        "",
    ]
    for name, cells in modules.items():  # 按书里第一次出现的顺序
        public = [n for cell in cells for n in cell.public_names()]
        where = "、".join(dict.fromkeys(Path(cell.notebook).stem for cell in cells))
        listed = "、".join(f"``{n}``" for n in public) if public else "（内部的辅助函数）"
        lines.append(f"- ``{name}``：{listed}（{where}）")
    lines += ['"""', ""]
    for name in sorted(modules):
        cells = modules[name]
        names = sorted((n for cell in cells for n in cell.public_names()), key=isort_key)
        if not names:
            continue
        lines += [cell.back_link for cell in cells]
        lines += import_lines(f"{package}.{name}", names)
    lines += ["", "__all__ = ["]
    lines += [f'    "{n}",' for n in exported_in_book_order(modules)]
    lines += ["]", ""]
    return "\n".join(lines)


def exported_in_book_order(modules):
    return [n for cells in modules.values() for cell in cells for n in cell.public_names()]


def stale_modules(root=None):
    """内容与笔记本不一致（或不存在）的导出文件。"""
    return [
        path
        for path, text in render_modules(root).items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="只检查，不写文件")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_modules()
        for path in stale:
            print(f"过期：{path}（请运行 make export）")
        return 1 if stale else 0
    for path, text in render_modules().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"已写入 {path.relative_to(repo_root())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
