"""每章笔记本的第一个代码单元（lesson_utils.setup_cell）：与 _config.yml 的仓库地址一致；
连不上网时打印中文说明而不是 traceback；把随书的 wheel 放在当前文件夹时能装上。"""

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lesson_utils import setup_cell

ROOT = Path(__file__).resolve().parents[1]
# 运行单元前让 find_spec 找不到 lesson_utils，就像一个还没装它的 Colab 会话
HIDE_PACKAGE = """\
import importlib.util
_real_find_spec = importlib.util.find_spec
def _find_spec(name, *args):
    return None if name == "lesson_utils" else _real_find_spec(name, *args)
importlib.util.find_spec = _find_spec
"""


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


def run_cell(cwd, **env):
    offline = {  # 所有 HTTP(S) 都走一个不存在的代理：GitHub 与本书网站都连不上
        "https_proxy": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "3",
        "GIT_TERMINAL_PROMPT": "0",
    }
    code = HIDE_PACKAGE + setup_cell.setup_source(ROOT)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, **offline, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_network_the_cell_prints_chinese_instructions_not_a_traceback(tmp_path):
    result = run_cell(tmp_path, PIP_TARGET=str(tmp_path / "target"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "没能自动安装 lesson_utils" in result.stdout
    assert setup_cell.wheel_name(ROOT) in result.stdout  # 说明里给出要下载的文件名
    assert result.stdout.count("正在安装 lesson_utils") == 2  # 本书网站、GitHub 都试过


def test_the_shipped_wheel_in_the_current_folder_installs_offline(tmp_path):
    wheel = ROOT / "_build" / "html" / "wheels" / setup_cell.wheel_name(ROOT)
    if not wheel.exists():
        pytest.fail(f"没有找到 {wheel}：先运行 make book（make test 会自动先构建）")
    (tmp_path / wheel.name).write_bytes(wheel.read_bytes())
    target = tmp_path / "target"
    result = run_cell(tmp_path, PIP_TARGET=str(target), PIP_NO_DEPS="1")
    assert result.returncode == 0, result.stderr
    assert "没能" not in result.stdout
    assert result.stdout.count("正在安装 lesson_utils") == 1  # 第一个来源（上传的 wheel）就成功了
    assert (target / "lesson_utils" / "compare.py").exists()
    assert (target / "lesson_utils" / "fonts" / "OFL.txt").exists()
