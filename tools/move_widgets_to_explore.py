# ruff: noqa: E501  （下面是笔记本里的中文说明文字与代码，按原样整行保存）
"""把各章的 ipywidgets 控件改成 lesson_utils.explore（网页上不需要内核也能用）。

可以重复运行：已经改过的笔记本不会再变。

    python tools/move_widgets_to_explore.py            # 改写 book/ 下的五个笔记本
    python tools/move_widgets_to_explore.py --execute [笔记本…]  # 改写，再执行、只更新控件单元的输出
    python tools/move_widgets_to_explore.py --check    # 只检查是否都已改过（没改过时退出码为 1）

--execute 在内核里从头执行整个笔记本（控件要用前面单元定义的函数），预先算好网页控件的图，但只把
控件单元的输出存回去：其余单元的输出（计时、基准）保持原样，不因这台机器此刻的负载而变。
"""

import os
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXPLORE_IMPORT = "from lesson_utils.explore import {names}"
NO_COMPARE = (
    "# 输出是交互控件（每次执行编号不同）和按网格预先画好的图，nbval 不比较；图都由下面的函数画出\n"
)

NEURON = """\
def neuron_figure(w1, w2, b, activation):
    fig, ax = plt.subplots(figsize=(5, 4.2))
    fig.colorbar(draw_neuron(ax, w1, w2, b, activation), ax=ax, label="输出 y")
    return fig


weights = [-4, -2, -1, 0, 1, 2, 4]  # 网页上预先算图的取值；Jupyter 里按 0.25 的步长任意取
explore(
    neuron_figure,
    w1=slider("w₁", weights, default=1, step=0.25),
    w2=slider("w₂", weights, default=1, step=0.25),
    b=slider("b", weights, default=0, step=0.25),
    activation=choice("激活函数", list(ACTIVATIONS), default="sigmoid"),
    combine=["activation"],
)"""

TRAINING = """\
def training_figure(lr, hidden, activation):
    _, run = train_two_layer(digits, hidden=hidden, activation=activation, lr=lr, epochs=20)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    plot_history(run, axes)
    axes[1].axhline(97, color="gray", lw=0.8, ls=":")
    fig.suptitle(
        f"学习率 {lr:.3g}，{hidden} 个隐藏单元，{activation}：测试准确率 {run['test_acc'][-1]:.1%}",
        y=1.04,
    )
    return fig


explore(
    training_figure,
    lr=slider("学习率", [0.001, 0.01, 0.05, 0.1, 0.3, 1.0], default=0.05, log=True),
    hidden=choice("隐藏单元", [8, 16, 32, 64, 128, 256], default=256),
    activation=choice("激活函数", ["relu", "tanh", "sigmoid"], default="relu"),
)"""

KERNEL = """\
def kernel_figure(name, custom):
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), gridspec_kw={"width_ratios": [1, 3]})
    for ax in axes:
        ax.axis("off")
    if name == "自定义":
        try:
            kernel = np.array([float(v) for v in custom.split()]).reshape(3, 3)
        except ValueError:
            axes[1].text(0, 0.5, "请输入 9 个数，用空格分隔（按行：先第一行三个数，再第二行……）")
            return fig
    else:
        kernel = np.array(KERNELS[name], dtype=float)
    feature = apply_kernel(photo, kernel)
    limit = np.abs(kernel).max()
    axes[0].imshow(kernel, cmap="coolwarm", vmin=-limit, vmax=limit)
    for (r, c), value in np.ndenumerate(kernel):
        axes[0].text(c, r, f"{value:.2g}", ha="center", va="center")
    axes[0].set_title(f"卷积核（元素和 {kernel.sum():.2g}）")
    axes[1].imshow(feature, cmap="gray")
    axes[1].set_title(f"特征图（取值 {feature.min():.2f} 到 {feature.max():.2f}）")
    return fig


explore(
    kernel_figure,
    name=choice("卷积核", [*KERNELS, "自定义"], default="竖直边缘（Sobel x）"),
    custom=text("自定义（9 个数，按行）", "1 0 -1  1 0 -1  1 0 -1"),
)"""

GRADIENT = """\
def gradient_figure(rho, input_scale, forget_bias):
    rnn_curve = gradient_by_distance("rnn", rho=rho, input_scale=input_scale)
    lstm_curve = gradient_by_distance("lstm", forget_bias=forget_bias, input_scale=input_scale)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.semilogy(rnn_curve, label=f"RNN，ρ = {rho:.2f}")
    ax.semilogy(lstm_curve, label=f"LSTM，遗忘门偏置 {forget_bias:+.1f}")
    ax.semilogy(rho ** np.arange(100.0), "k:", lw=1, label="ρ^k（不计 tanh′ 的线性 RNN）")
    ax.set_ylim(1e-20, 1e8)
    ax.set_xlabel("距离 T − t（步）")
    ax.set_ylabel("相对梯度范数")
    ax.legend(fontsize=9)
    return fig


explore(
    gradient_figure,
    rho=slider("谱半径 ρ", [0.1, 0.5, 0.9, 1.0, 1.1, 1.5, 2.0, 3.0], default=1.0, step=0.05),
    input_scale=slider("输入大小", [0.0, 0.5, 1.0, 2.0, 3.0], default=1.0, step=0.1),
    forget_bias=slider("遗忘门偏置", [-2.0, 0.0, 1.0, 3.0, 5.0], default=0.0, step=0.5),
)"""

GAN = """\
def gan_figure(lr_d, lr_g, d_steps, loss):
    settings = dict(lr_d=lr_d, lr_g=lr_g, d_steps=d_steps, loss=loss, snapshot_every=1500)
    _, _, snapshots, losses = train_gan(
        ring_of_gaussians, 2, 1500, latent_dim=2, hidden=64, **settings
    )
    samples = snapshots[1500]
    covered, quality = mode_coverage(samples)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    axes[0].scatter(*ring_of_gaussians(np.random.default_rng(7), 2000).T, s=2, color="lightgray")
    axes[0].scatter(*samples.T, s=2, alpha=0.4)
    axes[0].set_xlim(-3, 3)
    axes[0].set_ylim(-3, 3)
    axes[0].set_aspect("equal")
    axes[0].set_title(f"第 1500 步：{covered} 个模式，{quality:.0%} 高质量")
    axes[1].plot(losses[:, 0], lw=0.8, label="D 的损失（−V 的估计）")
    axes[1].plot(losses[:, 1], lw=0.8, label="G 的损失")
    axes[1].axhline(np.log(4), color="gray", ls=":", label="log 4（D 只能瞎猜时）")
    axes[1].set_xlabel("训练步")
    axes[1].legend(fontsize=9)
    fig.tight_layout()
    return fig


rates = [("1e-4", 1e-4), ("3e-4", 3e-4), ("1e-3", 1e-3), ("3e-3", 3e-3), ("1e-2", 1e-2)]
explore(  # 网页上每张图要训练约 3 秒，所以每次只改一个控件（全组合超出笔记本 60 秒的预算）
    gan_figure,
    lr_d=choice("D 学习率", rates, default=1e-3, grid=[1e-4, 1e-3, 1e-2]),
    lr_g=choice("G 学习率", rates, default=1e-3, grid=[1e-4, 1e-3, 1e-2]),
    d_steps=slider("D 步数/G 步", [1, 5], default=1, step=1),
    loss=choice("G 的损失", [("非饱和 −log D", "ns"), ("原始 log(1 − D)", "minimax")]),
)"""

# 笔记本 → (新的控件单元, 它用到的 explore 里的名字, 说明文字的替换, 不再需要的 import)
EDITS = {
    "book/ch2/2-1-neural-networks.ipynb": (
        NEURON,
        "choice, explore, slider",
        [
            (
                "（网页上是静态的；在 Jupyter 或 Colab 里运行本页才能拖动）。",
                "。网页上的滑块只停在预先算好的几个值上；在 Jupyter 或 Colab 里运行本页，可以取任意值。",
            )
        ],
        ["from IPython.display import display\n"],
    ),
    "book/ch3/3-1-feedforward-backprop.ipynb": (
        TRAINING,
        "choice, explore, slider",
        [
            (
                "（每次约 1 秒）。网页版显示的是默认设置的结果；\n要交互，请在 Jupyter 或 Colab 中运行本页。"
                "（控件画出的图由前端捕获，不同的前端存下的输出不同，\n所以 nbval 只检查这个单元能正常运行，不比较它的输出。）",
                "（每次约 1 秒）。网页上的控件只停在执行本页时预先训练过的设置上\n"
                "（每次改一个控件，其余取默认值）；在 Jupyter 或 Colab 中运行本页，可以取任意值、任意组合。",
            )
        ],
        ["from IPython.display import display\n"],
    ),
    "book/ch3/3-2-cnn.ipynb": (
        KERNEL,
        "choice, explore, text",
        [
            (
                "看特征图如何变化。网页版显示的是默认设置的结果；要交互，请在 Jupyter 或 Colab 中运行本页。",
                "看特征图如何变化（网页上可以切换预设；自己输入卷积核要在 Jupyter 或 Colab 中运行本页）。",
            )
        ],
        [],
    ),
    "book/ch3/3-3-rnn.ipynb": (
        GRADIENT,
        "explore, slider",
        [
            (
                "（网页上是静态的；在 Jupyter 或 Colab 里运行本节才能拖动。）",
                "（网页上的滑块只停在预先算好的值上，每次改一个；在 Jupyter 或 Colab 里运行本节可以任意拖动。）",
            )
        ],
        [],
    ),
    "book/ch3/3-4-gan.ipynb": (
        GAN,
        "choice, explore, slider",
        [
            (
                "每次改动会重新训练 1500 步（约几秒），\n画出最后的生成样本。"
                "（网页上是静态的；在 Jupyter 或 Colab 里运行本节才能调。）",
                "每次改动会重新训练 1500 步（约几秒），\n画出最后的生成样本。"
                "（网页上的图是执行本节时预先训练好的：学习率取 $10^{-4}$、$10^{-3}$、$10^{-2}$，"
                "每次只改一个控件、其余取默认值；在 Jupyter 或 Colab 里运行本节可以任意组合。）",
            )
        ],
        ["from IPython.display import display\n"],
    ),
}


def is_widget_cell(cell):
    return cell.cell_type == "code" and (
        "widgets.interactive_output(" in cell.source or "\nexplore(" in cell.source
    )


def add_import(source, line):
    """把 line 插到 `from lesson_utils.` 导入里按字母顺序的位置（ruff 的 isort 规则）。"""
    lines = source.split("\n")
    if line in lines:
        return source
    ours = [i for i, text in enumerate(lines) if text.startswith("from lesson_utils")]
    position = next((i for i in ours if lines[i] > line), ours[-1] + 1)
    return "\n".join(lines[:position] + [line] + lines[position:])


def edit(path):
    widget_source, names, prose, unused_imports = EDITS[path]
    notebook = nbformat.read(ROOT / path, as_version=4)
    before = nbformat.writes(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    setup = next(c for c in code if "from lesson_utils" in c.source and "import" in c.source)
    setup.source = setup.source.replace("import ipywidgets as widgets\n", "")
    for unused in unused_imports:
        setup.source = setup.source.replace(unused, "")
    setup.source = add_import(setup.source, EXPLORE_IMPORT.format(names=names))
    widget_cells = [c for c in notebook.cells if is_widget_cell(c)]
    if len(widget_cells) != 1:
        raise SystemExit(f"{path}: 找到 {len(widget_cells)} 个控件单元，应为 1 个")
    cell = widget_cells[0]
    if cell.source != NO_COMPARE + widget_source:
        cell.source = NO_COMPARE + widget_source
        cell.outputs = []
        cell.execution_count = None
    cell.metadata.setdefault("tags", [])
    if "nbval-ignore-output" not in cell.metadata["tags"]:
        cell.metadata["tags"].append("nbval-ignore-output")
    for old, new in prose:
        for markdown in notebook.cells:
            if markdown.cell_type == "markdown":
                markdown.source = markdown.source.replace(old, new)
        if not any(new in c.source for c in notebook.cells):
            raise SystemExit(f"{path}: 没找到要替换的说明文字：{old[:30]}…")
    changed = nbformat.writes(notebook) != before
    return notebook, changed


def cell_seconds(cell):
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return float("nan")
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def merge_widget_outputs(notebook, executed):
    """把 executed 里控件单元的输出搬到 notebook 的同一个单元；返回控件单元的执行秒数。"""
    (target,) = [c for c in notebook.cells if is_widget_cell(c)]
    (source,) = [c for c in executed.cells if is_widget_cell(c)]
    if target.source != source.source:
        raise SystemExit("执行的笔记本与改写后的控件单元不一致")
    target.outputs = source.outputs
    target.execution_count = source.execution_count
    notebook.metadata.pop("widgets", None)  # 网页用预先算好的控件，不需要 ipywidgets 的状态
    return cell_seconds(source)


def execute(path, notebook):
    executed = nbformat.reads(nbformat.writes(notebook), as_version=4)
    os.environ["LESSON_UTILS_PRECOMPUTE"] = "1"  # 内核继承：explore 预先算网页控件的图
    client = NotebookClient(
        executed, timeout=600, kernel_name="python3", record_timing=True,
        resources={"metadata": {"path": str((ROOT / path).parent)}},
        store_widget_state=True,  # nbclient 处理 Output 控件时要用
    )  # fmt: skip
    start = time.perf_counter()
    client.execute()
    total = time.perf_counter() - start
    widget = merge_widget_outputs(notebook, executed)
    print(f"{path}: 整个笔记本 {total:.1f} s，其中控件单元 {widget:.1f} s")


def main(args):
    check_only = "--check" in args
    chosen = [a for a in args if not a.startswith("--")] or list(EDITS)
    stale = []
    for path in chosen:
        notebook, changed = edit(path)
        if changed:
            stale.append(path)
        if "--execute" in args:
            execute(path, notebook)
        if (changed or "--execute" in args) and not check_only:
            nbformat.write(notebook, ROOT / path)
    print(("需要改写：" if check_only else "已改写：") + (" ".join(stale) or "无"))
    return 1 if check_only and stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
