"""全部测试共用的东西：仓库根目录与“与 PyTorch 一致”的断言。

tests/unit/：lesson_utils 与 book_tools 的单元测试（make unit，不执行书页、不需要构建好的书）。
tests/book/：针对整本书的测试——构建好的网页（真浏览器）、换种子重跑各页、nbgrader 端到端；
各页的 nbval 由 make test 直接在 book/ 上运行。
测试文件用 ``from conftest import ROOT, assert_agrees`` 取这里的名字。
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from book_tools import setup_cell
from lesson_utils.claims import LINE_PATTERN
from lesson_utils.compare import compare

ROOT = Path(__file__).resolve().parents[1]


def assert_agrees(name, ours, theirs, **tolerances):
    """ours 与 theirs（NumPy 数组或 torch 张量）逐元素一致（默认容差见 lesson_utils.compare）。"""
    row = compare(name, ours, theirs, **tolerances)
    assert row.passed, row


# 运行单元前让 find_spec 找不到 lesson_utils，就像一个还没装它的 Colab 会话
HIDE_PACKAGE = """\
import importlib.util
_real_find_spec = importlib.util.find_spec
def _find_spec(name, *args):
    return None if name == "lesson_utils" else _real_find_spec(name, *args)
importlib.util.find_spec = _find_spec
"""


def run_setup_cell(cwd, **env):
    """在 cwd 里、断网（代理指向不存在的地址）、找不到 lesson_utils 的情况下运行每章的设置单元。"""
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


# -------------------------------------------- 结论清单（claim 打印的 ✓ [编号] 行）
def printed_keys(cell):
    text = "".join(
        "".join(out.get("text", ""))
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    )
    return [m["key"] for m in LINE_PATTERN.finditer(text)]


def stored_claims():
    """{编号: [页的 html 路径, …]}：各页存下的输出里打印的全部结论（正常时每个编号一页）。"""
    found = {}
    notebooks = sorted(
        p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )
    for path in notebooks:
        page = path.relative_to(ROOT).with_suffix(".html").as_posix()
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for key in printed_keys(cell):
                    found.setdefault(key, []).append(page)
    return found


# -------------------------------------------- 练习编号（页面上 :label: ex-3-2-3 的练习）
def labels(notebook_path):
    text = "\n".join(c.source for c in nbformat.read(notebook_path, as_version=4).cells)
    return re.findall(r":label: ex-(\d+)-(\d+)-(\d+)", text)


def pages():
    return sorted((ROOT / "book").glob("ch*/*.ipynb"))


def processes_with(marker):
    """命令行里含有 marker 的进程的 PID（批改的测试用它确认学生开出的进程一个也不剩）。"""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_text():
                found.append(entry.name)
        except OSError:
            pass
    return found
