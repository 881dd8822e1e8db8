"""每章笔记本的第一个代码单元（book_tools.setup_cell）：与 _config.yml 的仓库地址一致；
连不上网时打印中文说明而不是 traceback；把随书的 wheel 放在当前文件夹时能装上。"""

import nbformat
import pytest
from conftest import ROOT, run_setup_cell

from book_tools import setup_cell


def test_every_chapter_notebook_has_the_generated_setup_cell():
    source = setup_cell.setup_source(ROOT)
    notebooks = setup_cell.chapter_notebooks(ROOT)
    assert len(notebooks) >= 12
    stale = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        if notebook.cells[setup_cell.setup_cell_index(notebook, path)].source != source:
            stale.append(path.name)
    assert not stale, f"设置单元与 _config.yml 不一致，运行 make setup-cells：{stale}"


def test_setup_cell_uses_the_one_repository_url():
    repository = setup_cell.repository_url(ROOT)
    source = setup_cell.setup_source(ROOT)
    assert f'"git+{repository}"' in source
    assert setup_cell.pages_url(repository) + "/wheels/" in source
    assert f'WHEEL = "{setup_cell.wheel_name(ROOT)}"' in source


def test_pages_url_follows_github_pages_and_rejects_other_hosts():
    assert setup_cell.pages_url("https://github.com/Org/book/") == "https://org.github.io/book"
    with pytest.raises(ValueError, match="仓库地址"):
        setup_cell.pages_url("https://example.org/org/book")


def test_without_network_the_cell_prints_chinese_instructions_not_a_traceback(tmp_path):
    result = run_setup_cell(tmp_path, PIP_TARGET=str(tmp_path / "target"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "没能自动安装 lesson_utils" in result.stdout
    assert setup_cell.wheel_name(ROOT) in result.stdout  # 说明里给出要下载的文件名
    assert result.stdout.count("正在安装 lesson_utils") == 2  # 本书网站、GitHub 都试过
