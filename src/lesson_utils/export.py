"""单一来源（single source of truth）：把笔记本里的代码单元导出成 lesson_utils 的模块。

读者在笔记本里看到、修改的实现，就是后面各章、测试和练习检查器 import 的那一份。
一个代码单元的第一行写 ``#| export nn.layers``，它就会（去掉这一行后）被写进
``src/lesson_utils/nn/layers.py``。同一模块的单元按笔记本路径、单元顺序拼接。

    python -m lesson_utils.export          # 重新生成所有导出的模块
    python -m lesson_utils.export --check  # 只检查是否过期（测试里用），过期则退出码为 1
"""

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import nbformat

MARKER = re.compile(r"^#\|\s*export\s+([A-Za-z_][\w.]*)\s*$")
HEADER = (
    "# 本文件由 `python -m lesson_utils.export` 从下列笔记本自动生成，请勿手工修改：\n"
    "# 改笔记本里标有 `#| export {module}` 的代码单元，再重新导出。\n"
)


def repo_root():
    return Path(__file__).resolve().parents[2]


def exported_cells(notebook_path):
    """[(模块名, 去掉标记行的源码), ...]，按单元顺序。"""
    notebook = nbformat.read(notebook_path, as_version=4)
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        first, _, rest = cell.source.partition("\n")
        match = MARKER.match(first)
        if match:
            cells.append((match.group(1), rest.strip("\n")))
    return cells


def render_modules(root=None):
    """{目标文件路径: 文件内容}，由 book/ 下所有笔记本生成。"""
    root = repo_root() if root is None else Path(root)
    sources = defaultdict(list)
    bodies = defaultdict(list)
    for notebook_path in sorted((root / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook_path.parts or "_build" in notebook_path.parts:
            continue
        relative = notebook_path.relative_to(root).as_posix()
        for module, source in exported_cells(notebook_path):
            if relative not in sources[module]:
                sources[module].append(relative)
            bodies[module].append(source)
    files = {}
    for module, cells in bodies.items():
        target = root / "src" / "lesson_utils" / Path(*module.split(".")).with_suffix(".py")
        header = HEADER.format(module=module)
        header += "".join(f"#   {source}\n" for source in sources[module])
        files[target] = header + "\n" + "\n\n\n".join(cells) + "\n"
    return files


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
            print(f"过期：{path}（请运行 python -m lesson_utils.export）")
        return 1 if stale else 0
    for path, text in render_modules().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"已写入 {path.relative_to(repo_root())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
