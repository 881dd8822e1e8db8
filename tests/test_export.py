import nbformat

from lesson_utils.export import render_modules, repo_root, stale_modules


def test_exported_modules_are_up_to_date():
    stale = stale_modules()
    assert not stale, f"导出的模块已过期，请运行 make export：{stale}"


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
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    assert stale_modules(root) == []
    (root / "src/lesson_utils/nn/demo.py").write_text("X = 2\n", encoding="utf-8")
    assert stale_modules(root) == [root / "src/lesson_utils/nn/demo.py"]


def test_repo_root_holds_the_book():
    assert (repo_root() / "_toc.yml").exists()
