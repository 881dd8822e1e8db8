"""前言里的章节关系图：book/figures/chapter-dependencies.png。

    .venv/bin/python -m book_tools.make_intro_figure

实线：后一节用到前一节的推导和导出的代码（3.2–3.4 import 3.1 的层，3.4 用 3.3 的 Adam）。
虚线：概念页为算法页提供直觉，先读更容易，但不是必须。第 1 章是背景，什么时候读都可以。
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from book_tools import repo_root  # noqa: E402
from lesson_utils.plotting import use_book_style  # noqa: E402

OUT = repo_root() / "book" / "figures" / "chapter-dependencies.png"

COLUMNS = {1: ("第 1 章 背景", 0.0), 2: ("第 2 章 核心概念", 3.6), 3: ("第 3 章 核心算法", 7.2)}
COLORS = {1: "#e8eef7", 2: "#fdf0e2", 3: "#e6f4ea"}
EDGES = {1: "#1f77b4", 2: "#ff7f0e", 3: "#2ca02c"}
# 节 → (章, 纵坐标, 标题)
PAGES = {
    "1.1": (1, 5.0, "什么是深度学习"),
    "1.2": (1, 4.0, "发展历程"),
    "1.3": (1, 3.0, "深度学习的优势"),
    "2.1": (2, 5.0, "神经网络"),
    "2.2": (2, 4.0, "前馈网络与反向传播"),
    "2.3": (2, 3.0, "卷积神经网络"),
    "2.4": (2, 2.0, "循环神经网络"),
    "2.5": (2, 1.0, "生成对抗网络"),
    "3.1": (3, 4.5, "前馈网络与反向传播"),
    "3.2": (3, 3.0, "卷积神经网络"),
    "3.3": (3, 2.0, "循环神经网络"),
    "3.4": (3, 1.0, "生成对抗网络"),
}
REQUIRED = [("3.1", "3.2"), ("3.1", "3.3"), ("3.1", "3.4"), ("3.3", "3.4")]
HELPFUL = [
    ("1.1", "2.1"),
    ("2.1", "3.1"),
    ("2.2", "3.1"),
    ("2.3", "3.2"),
    ("2.4", "3.3"),
    ("2.5", "3.4"),
]
WIDTH, HEIGHT = 2.6, 0.62


def box(ax, name):
    chapter, y, title = PAGES[name]
    x = COLUMNS[chapter][1]
    ax.add_patch(
        FancyBboxPatch(
            (x, y - HEIGHT / 2),
            WIDTH,
            HEIGHT,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            facecolor=COLORS[chapter],
            edgecolor=EDGES[chapter],
            linewidth=1.4,
        )
    )
    ax.text(x + WIDTH / 2, y, f"{name} {title}", ha="center", va="center", fontsize=11)


def anchor(name, side):
    chapter, y, _ = PAGES[name]
    x = COLUMNS[chapter][1]
    return {
        "right": (x + WIDTH, y),
        "left": (x, y),
        "bottom": (x + WIDTH / 2, y - HEIGHT / 2),
        "top": (x + WIDTH / 2, y + HEIGHT / 2),
    }[side]


def arrow(ax, start, end, dashed, curve=0.0):
    ax.annotate(
        "",
        xy=end,
        xytext=start,
        arrowprops={
            "arrowstyle": "-|>",
            "color": "#555555" if dashed else "#222222",
            "linewidth": 1.1 if dashed else 1.8,
            "linestyle": (0, (4, 3)) if dashed else "solid",
            "shrinkA": 2,
            "shrinkB": 2,
            "mutation_scale": 14,
            "connectionstyle": f"arc3,rad={curve}",
        },
    )


def main():
    use_book_style()
    fig, ax = plt.subplots(figsize=(10.4, 5.6))
    ax.set_xlim(-0.2, 10.9)
    ax.set_ylim(-0.3, 6.1)
    ax.axis("off")
    ax.grid(False)
    for title, x in COLUMNS.values():
        ax.text(x + WIDTH / 2, 5.75, title, ha="center", va="center", fontsize=13, color="#222222")
    for name in PAGES:
        box(ax, name)
    for a, b in HELPFUL:
        arrow(ax, anchor(a, "right"), anchor(b, "left"), dashed=True)
    arrow(ax, anchor("3.1", "bottom"), anchor("3.2", "top"), dashed=False)
    arrow(ax, anchor("3.1", "right"), anchor("3.3", "right"), dashed=False, curve=-0.5)
    arrow(ax, anchor("3.1", "right"), anchor("3.4", "right"), dashed=False, curve=-0.6)
    arrow(ax, anchor("3.3", "bottom"), anchor("3.4", "top"), dashed=False)
    ax.text(0.0, 0.55, "第 1 章是背景，随时可读", fontsize=10, color="#444444")
    ax.plot([0.0, 0.5], [0.05, 0.05], color="#222222", linewidth=1.8)
    ax.text(0.6, 0.05, "先读：后一节用到前一节的推导和导出的代码", va="center", fontsize=10)
    ax.plot([0.0, 0.5], [-0.2, -0.2], color="#555555", linewidth=1.1, linestyle=(0, (4, 3)))
    ax.text(0.6, -0.2, "建议先读：概念页为算法页提供直觉", va="center", fontsize=10)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT, dpi=150, bbox_inches="tight", metadata={"Software": None})
    print(f"已写出 {OUT.relative_to(OUT.parents[2])}")


if __name__ == "__main__":
    main()
