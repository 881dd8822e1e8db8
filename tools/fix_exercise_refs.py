"""把正文里指向练习的文字改成全书统一的编号（“练习 3.3-4”）并链接到练习。可重复运行（幂等）。

    python tools/fix_exercise_refs.py

只改 Markdown 单元里下面列出的原文；已经改过的不再改。改完不需要重新执行笔记本（没有动代码单元）。
"""

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
EDITS = {
    "book/ch3/3-3-rnn.ipynb": [
        (
            "（练习 5 会让你亲手验证这一点）",
            "（{ref}`练习 3.3-4 <ex-3-3-4>` 会让你亲手验证这一点）",
        ),
    ],
    "book/ch1/1-2-history.ipynb": [
        (
            "表示能力上够（练习 1 手工构造了一个）",
            "表示能力上够（{ref}`练习 1.2-1 <ex-1-2-1>` 手工构造了一个）",
        ),
    ],
    "book/ch2/2-5-gan.ipynb": [
        ("停不下来。原因留作练习 2。", "停不下来。原因留作{ref}`练习 2.5-2 <ex-2-5-2>`。"),
    ],
    "book/ch1/1-1-what-is-deep-learning.ipynb": [
        ("再多层也只是一条直线（练习 1）", "再多层也只是一条直线（{ref}`练习 1.1-1 <ex-1-1-1>`）"),
    ],
}


def main():
    for relative, edits in EDITS.items():
        path = ROOT / relative
        notebook = nbformat.read(path, as_version=4)
        changed = 0
        for cell in notebook.cells:
            if cell.cell_type != "markdown":
                continue
            for old, new in edits:
                if old in cell.source:
                    cell.source = cell.source.replace(old, new)
                    changed += 1
        if changed:
            nbformat.write(notebook, path)
        print(f"{relative}：改了 {changed} 处")


if __name__ == "__main__":
    main()
