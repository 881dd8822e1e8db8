"""让网页版的“在 Colab 中打开”和“下载 .ipynb”都给出 Jupyter 版笔记本。

Jupyter 版由 book_tools.jupyter_edition 生成。

- Colab 只能打开 GitHub 上的文件，所以 Jupyter 版提交在仓库的 notebooks/ 里（make edition；测试检查
  它与书同步）。sphinx-book-theme 的 Colab 按钮指向 book/…ipynb，这里改成 notebooks/…ipynb。
- 下载按钮链接的是 _build/html/_sources/…ipynb：构建结束时用保留输出的 Jupyter 版覆盖它，
  读者下载后不运行也能看到结果。
- 页面里可以用 ``{{ wheel_name }}`` 写出随书提供的 wheel 的文件名（版本取自 pyproject.toml），
  ``{{ wheel_install }}`` 写出安装它的命令（行内代码；``{{ }}`` 写在代码里不会被替换），
  ``{{ wheel_link }}`` 是它的下载链接（只在 book/appendix/ 下的页面里有效）。
"""

from pathlib import Path

import nbformat

from book_tools import jupyter_edition, setup_cell


def add_substitutions(app, config):
    substitutions = dict(config.myst_substitutions or {})
    wheel = setup_cell.wheel_name(app.confdir)
    substitutions["wheel_name"] = wheel
    # 代码栏与行内代码里不做替换，所以安装命令整个作为替换值（值按 Markdown 解析）
    substitutions["wheel_install"] = f"`pip install {wheel}`"
    # 相对于 book/appendix/ 下的页面；wheels/ 在网页版根目录（html_extra_path）
    substitutions["wheel_link"] = (
        f'<a href="../../wheels/{wheel}" download><code>{wheel}</code></a>'
    )
    config.myst_substitutions = substitutions


def point_colab_to_edition(app, pagename, templatename, context, doctree):
    edition = jupyter_edition.edition_path(pagename, jupyter_edition.EDITION_DIR).as_posix()
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group.get("buttons", []):
            if button.get("text") == "Colab":
                button["url"] = button["url"].replace(f"/{pagename}.ipynb", f"/{edition}")


def write_edition_downloads(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    context = jupyter_edition.BookContext.load(app.confdir)
    for docname in sorted(context.notebooks):
        target = Path(app.outdir, "_sources", f"{docname}.ipynb")
        if not target.parent.exists():
            continue
        notebook = nbformat.read(Path(app.srcdir, f"{docname}.ipynb"), as_version=4)
        edition = jupyter_edition.convert_notebook(notebook, docname, context, keep_outputs=True)
        nbformat.write(edition, target)


def setup(app):
    app.connect("config-inited", add_substitutions)
    app.connect("html-page-context", point_colab_to_edition, priority=900)  # 在主题加好按钮之后
    app.connect("build-finished", write_edition_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
