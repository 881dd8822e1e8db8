"""每章笔记本的第一个代码单元：在 Colab 或自己的 Jupyter 里装上 lesson_utils。

``make setup-cells`` 即 ``python -m book_tools.setup_cell``。

仓库地址只写在 _config.yml 的 ``repository.url`` 一处，发行名与版本只写在 pyproject.toml；这里从它们
生成单元的源码，``make setup-cells`` 把它写进每个章节笔记本（只改这一个单元的源码，
不动输出与其他单元，可以反复运行），测试检查每个笔记本里的单元与生成的一致。

单元依次尝试三个来源：当前文件夹里上传的 wheel、本书网站上的 wheel（GitHub Pages 的地址，由仓库地址
推出）、GitHub 仓库。全都失败时（例如连不上 GitHub）打印中文的安装说明，而不是一大段 traceback。
"""

import argparse
import re
from pathlib import Path

import nbformat
import yaml

from book_tools import repo_root

MARKERS = ("# 准备运行环境", "# 在 Colab 上运行时")  # 现在的与旧版的第一行：认出设置单元
CHAPTER_GLOB = "book/ch*/*.ipynb"
GITHUB = re.compile(r"^https://github\.com/([^/]+)/([^/]+?)/?$")

TEMPLATE = '''\
# 准备运行环境：本页要用本书的 lesson_utils 包（含中文字体与数据）。已经装好时，这个单元什么也不做。
# （全书每一页的这个单元都相同。）
import glob
import importlib.util
import subprocess
import sys

WHEEL = "{wheel}"
SITE = "{site}/wheels/"  # 本书网站上的 wheel
SOURCES = [
    *sorted(glob.glob("{wheel_glob}")),  # 上传到当前文件夹的 wheel
    SITE + WHEEL,
    "git+{repository}",  # 源码仓库
]
HELP = """没能自动安装 lesson_utils（可能连不上本书网站或 GitHub）。任选一种办法：
1. 在本书网页的附录“在 Colab 与 Jupyter 中运行”下载 {{wheel}}：
   在 Colab 里把它拖进左侧的“文件”栏，再运行这个单元；
   在自己的电脑上运行 pip install {{wheel}}（下载依赖慢时加 -i 指定国内 PyPI 镜像）。
2. 有源码时，在仓库根目录运行 pip install .
装好后重新运行这个单元，再往下运行。"""


def install_lesson_utils():
    for source in SOURCES:
        print("正在安装 lesson_utils：", source)
        pip = [sys.executable, "-m", "pip", "install", "-q", source]
        if subprocess.run(pip, capture_output=True).returncode == 0:
            importlib.invalidate_caches()
            return True
    return False


if importlib.util.find_spec("lesson_utils") is None and not install_lesson_utils():
    print(HELP.format(wheel=WHEEL))
'''


def pages_url(repository):
    """GitHub 仓库 → 它的 GitHub Pages 地址（本书网站）：https://github.com/o/r → https://o.github.io/r。"""
    match = GITHUB.match(repository)
    if not match:
        raise ValueError(
            f"pages_url: 仓库地址应形如 https://github.com/组织/仓库，实际是 {repository!r}"
        )
    owner, name = match.groups()
    return f"https://{owner.lower()}.github.io/{name}"


def distribution(root):
    """(发行名, 版本)，取自 pyproject.toml。"""
    import tomllib  # Python 3.11 起才有；这个模块只在构建书时用

    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project["name"], project["version"]


def wheel_name(root=None):
    """pip wheel 生成的文件名，如 dl_principles_book-0.1.0-py3-none-any.whl。"""
    name, version = distribution(Path(root or repo_root()))
    return f"{re.sub(r'[-_.]+', '_', name)}-{version}-py3-none-any.whl"


def repository_url(root=None):
    config = yaml.safe_load((Path(root or repo_root()) / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def setup_source(root=None):
    """设置单元的源码（由仓库地址与 pyproject.toml 决定）。"""
    root = Path(root or repo_root())
    repository, wheel = repository_url(root), wheel_name(root)
    return TEMPLATE.format(
        wheel=wheel,
        wheel_glob=wheel.split("-")[0] + "-*.whl",
        site=pages_url(repository),
        repository=repository,
    ).rstrip("\n")


def setup_cell_index(notebook, path):
    """第一个代码单元的下标。

    它必须是设置单元（以 MARKERS 之一开头），否则报错，而不是覆盖别的代码。
    """
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            if not cell.source.startswith(MARKERS):
                raise ValueError(f"setup_cell_index: {path} 的第一个代码单元不是设置单元")
            return index
    raise ValueError(f"setup_cell_index: {path} 没有代码单元")


def chapter_notebooks(root=None):
    return sorted(Path(root or repo_root()).glob(CHAPTER_GLOB))


def update_notebooks(root=None):
    """把生成的源码写进每个章节笔记本的设置单元，返回改动了的笔记本。"""
    source, changed = setup_source(root), []
    for path in chapter_notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        cell = notebook.cells[setup_cell_index(notebook, path)]
        if cell.source != source:
            cell.source = source
            nbformat.write(notebook, path)
            changed.append(path)
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.parse_args(argv)
    for path in update_notebooks():
        print("已更新", path)


if __name__ == "__main__":
    main()
