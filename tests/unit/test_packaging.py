"""两个包的边界（见 ARCHITECTURE.md）：读者的 lesson_utils 与书的工具 book_tools。

- lesson_utils 从不导入 book_tools，只导入标准库、它自己和 pyproject.toml 声明的依赖；
  声明的依赖正好是它与书页用到的第三方包（不多也不少）。
- 两个包内部的导入都没有环。
- 读者的 wheel 里只有 lesson_utils 的模块与它的数据文件。
- _config.yml 里的 Sphinx 扩展都能从已安装的 book_tools 导入。
"""

import ast
import shutil
import subprocess
import sys
import tomllib
import zipfile

import nbformat
import pytest
import yaml
from conftest import ROOT

SRC = ROOT / "src"
TOOLS = ROOT / "tools"
# 导入名 → 发行名（只列两者不同的）
DISTRIBUTIONS = {"sklearn": "scikit-learn", "PIL": "pillow", "IPython": "ipython"}
# 只在 try 里导入、缺了也照样运行的包：myst-nb 只在构建书时存在（claims.glue 在 Colab 上什么也不做）
OPTIONAL = {"myst_nb"}
DATA_FILES = ("fonts/NotoSansSC-Book-Subset.otf", "fonts/OFL.txt", "corpora/", "static/")


def modules(package_root):
    """{模块名: 文件}，如 {"lesson_utils.nn.conv": …/conv.py}。"""
    found = {}
    for path in sorted(package_root.rglob("*.py")):
        parts = path.relative_to(package_root.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path):
    """文件里导入的全部模块名（含函数内部的导入）。"""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def notebook_imports():
    names = set()
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                source = "\n".join(
                    line for line in cell.source.splitlines() if not line.startswith(("%", "!"))
                )
                tree = ast.parse(source)
                for node in ast.walk(tree):
                    if isinstance(node, ast.Import):
                        names |= {alias.name for alias in node.names}
                    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        names.add(node.module)
    return names


def third_party(names, own):
    tops = {name.split(".")[0] for name in names}
    return tops - set(sys.stdlib_module_names) - own


def declared_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        dep.split(">")[0].split("=")[0].split("<")[0].strip().lower()
        for dep in project["dependencies"]
    }


def test_runtime_never_imports_the_book_tools():
    offenders = {
        name: sorted(n for n in imports(path) if n.split(".")[0] == "book_tools")
        for name, path in modules(SRC / "lesson_utils").items()
    }
    assert not {k: v for k, v in offenders.items() if v}, offenders


def test_the_wheel_declares_exactly_what_lesson_utils_and_the_pages_import():
    used = set()
    for path in modules(SRC / "lesson_utils").values():
        used |= imports(path)
    used |= notebook_imports()
    needed = third_party(used, own={"lesson_utils"}) - OPTIONAL
    assert "book_tools" not in needed, "书页导入了 book_tools"
    assert {DISTRIBUTIONS.get(n, n).lower() for n in needed} == declared_dependencies()


def import_graph(package_root, package):
    """包内模块之间的导入：{模块: {它导入的本包模块}}（from a import b 中 a.b 是模块时算 a.b）。"""
    found = modules(package_root)
    graph = {}
    for name, path in found.items():
        targets = {n for n in imports(path) if n in found and n != name}
        # 子模块导入自己的包（__init__）不算环：Python 先建好包再导入子模块
        graph[name] = {t for t in targets if not name.startswith(t + ".")}
    return graph


def find_cycle(graph):
    state = {}

    def visit(node, path):
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target, path + [target])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


@pytest.mark.parametrize(
    "package_root", [SRC / "lesson_utils", TOOLS / "book_tools"], ids=lambda p: p.name
)
def test_no_import_cycle_inside_a_package(package_root):
    assert find_cycle(import_graph(package_root, package_root.name)) is None


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]


def test_the_readers_wheel_holds_only_the_runtime_package(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(SRC, source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(tmp_path / "dist"), str(source)],
        check=True, capture_output=True, cwd=tmp_path,
    )  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("dl_principles_book-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packaged = {n for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert all(n.startswith("lesson_utils/") for n in packaged), packaged
    code = {n for n in packaged if n.endswith(".py")}
    expected = {p.relative_to(SRC).as_posix() for p in (SRC / "lesson_utils").rglob("*.py")}
    assert code == expected
    data = packaged - code
    assert data and all(n.removeprefix("lesson_utils/").startswith(DATA_FILES) for n in data), data
    assert {n.rsplit(".", 1)[-1] for n in data} == {"otf", "txt", "gz", "js", "css"}


def test_every_sphinx_extension_comes_from_the_installed_tools_package():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    extensions = config["sphinx"]["extra_extensions"]
    ours = [e for e in extensions if e.startswith("book_tools.")]
    assert len(ours) >= 4 and "local_extensions" not in config["sphinx"]
    for name in ours:
        module = __import__(name, fromlist=["setup"])
        assert callable(module.setup), name
