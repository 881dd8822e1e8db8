"""make export：`#| export` 单元 → src/lesson_utils/nn/（含 nn/__init__.py），文件与笔记本同步。"""

import nbformat
from conftest import ROOT

from book_tools import repo_root
from book_tools.export import render_modules, stale_modules

NN = ROOT / "src" / "lesson_utils" / "nn"


def test_exported_modules_are_up_to_date():
    stale = stale_modules()
    assert not stale, f"导出的模块已过期，请运行 make export：{stale}"


def test_the_nn_folder_holds_only_generated_files():
    generated = set(render_modules())
    assert NN / "__init__.py" in generated  # 包的目录也是生成的，上面的同步测试覆盖它
    # 不进版本库的缓存（__pycache__、.ruff_cache 等以点开头的目录）不算
    present = {p for p in NN.iterdir() if p.name != "__pycache__" and not p.name.startswith(".")}
    assert present == {p for p in generated if p.parent == NN}, "nn/ 里有不是导出生成的文件"


def test_every_exported_cell_is_back_linked():
    """生成的每段代码前有 `# %% 笔记本#单元id`，指回它来自的单元。"""
    for path, text in render_modules().items():
        if path.name == "__init__.py":
            continue
        links = [line for line in text.splitlines() if line.startswith("# %% book/")]
        notebook_path, cell_id = links[0].removeprefix("# %% ").split("#")
        notebook = nbformat.read(ROOT / notebook_path, as_version=4)
        assert cell_id in {c.get("id") for c in notebook.cells}, (path, links[0])
        assert text.count("\n\n\n# %% ") == len(links) - 1  # 每个单元一行，单元之间空两行


def make_book(tmp_path, cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    (tmp_path / "book").mkdir()
    nbformat.write(notebook, tmp_path / "book" / "demo.ipynb")
    return tmp_path


def test_only_marked_cells_are_exported_in_order(tmp_path):
    root = make_book(
        tmp_path,
        [
            "#| export nn.demo\nimport numpy as np",
            "print('not exported')",
            "#| export nn.demo\ndef f(x):\n    return np.tanh(x)",
        ],
    )
    (path, text), *_ = render_modules(root).items()
    assert path == root / "src" / "lesson_utils" / "nn" / "demo.py"
    assert "book/demo.ipynb" in text
    assert "not exported" not in text
    assert text.index("import numpy") < text.index("def f(x)")


def test_stale_module_is_detected(tmp_path):
    root = make_book(tmp_path, ["#| export nn.demo\nX = 1"])
    for path, text in render_modules(root).items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert stale_modules(root) == []
    (root / "src/lesson_utils/nn/demo.py").write_text("X = 2\n", encoding="utf-8")
    assert stale_modules(root) == [root / "src/lesson_utils/nn/demo.py"]


def test_package_directory_lists_public_names_with_back_links(tmp_path):
    root = make_book(
        tmp_path,
        [
            "#| export nn.demo\ndef f(x):\n    return x\n\n\ndef _helper():\n    pass",
            "#| export nn.demo\nclass Layer:\n    pass\n\n\ndef im2col(x):\n    return x",
        ],
    )
    init = render_modules(root)[root / "src" / "lesson_utils" / "nn" / "__init__.py"]
    assert "from lesson_utils.nn.demo import Layer, f\n" in init  # _helper 与 INTERNAL 里的不列
    assert init.count("# %% book/demo.ipynb#") == 2
    namespace = {}
    exec(compile(init.split("from lesson_utils")[0], "init", "exec"), namespace)
    assert "``f``" in namespace["__doc__"] and "_helper" not in init


def test_repo_root_holds_the_book():
    assert (repo_root() / "_toc.yml").exists() and repo_root() == ROOT
