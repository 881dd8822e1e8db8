"""重新执行笔记本并把输出存回文件（书里显示的、nbval 对照的，都是这些输出）。

    python -m book_tools.run_notebooks                     # book/ 下全部笔记本（make notebooks）
    python -m book_tools.run_notebooks book/ch3/x.ipynb    # 指定的笔记本

设置 LESSON_UTILS_PRECOMPUTE=1：lesson_utils.explore 的控件在这时对网格上的每组取值预先画图，
存进同一个输出的 text/html，网页书不需要内核或 ipywidgets 的状态就能切换。所以不把控件状态
存进笔记本（它只会让网页多带一份默认图和 ipywidgets 的脚本）。打印每个笔记本的耗时（预算 ≤ 60 s）。
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from book_tools import repo_root

ROOT = repo_root()


def run(path):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # nbclient 需要它才能处理 Output 控件，存之前再删掉
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)
    print(f"{path.relative_to(ROOT)}: {elapsed:.1f} s")
    return elapsed


def main(args):
    os.environ["LESSON_UTILS_PRECOMPUTE"] = "1"  # 内核继承这个环境变量
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "book").rglob("*.ipynb"))
    paths = [p for p in paths if ".ipynb_checkpoints" not in p.parts]
    if len(paths) == 1:
        run(paths[0])
        return
    # 每个笔记本一个新进程：同一进程里接连启动内核时，第二个笔记本偶尔会卡住（nbclient 等不到回复，
    # 内核空闲），单独运行则从不出现。
    start = time.perf_counter()
    for path in paths:
        subprocess.run([sys.executable, "-m", "book_tools.run_notebooks", str(path)], check=True)
    print(f"共 {len(paths)} 个笔记本，{time.perf_counter() - start:.1f} s（含启动内核）")


if __name__ == "__main__":
    main(sys.argv[1:])
