"""一次声明的交互图：Jupyter 里是真的 ipywidgets，网页书里是预先算好的、不需要内核的控件。

用法（``fn`` 按控件的取值画一张图并返回 matplotlib 的 Figure）::

    explore(
        neuron_figure,
        w1=slider("w₁", [-4, -2, -1, 0, 1, 2, 4], default=1, step=0.25),
        activation=choice("激活函数", ["sigmoid", "tanh", "ReLU"]),
    )

- 在 Jupyter / Colab 里：显示 ipywidgets 控件，滑块可以取范围内的任意值（按 ``step``），拖动就重画。
- 执行笔记本存输出时（``tools/run_notebooks.py`` 设置环境变量 ``LESSON_UTILS_PRECOMPUTE=1``）：
  对网格上的每一组取值调用 ``fn``，图存成调色板 PNG，连同一小段 HTML/JS 控件放进同一个输出的
  ``text/html``。网页书（myst-nb）显示这一项，控件只提供算过的值（滑块按格点吸附、下拉框），不需要内核、
  网络或 ipywidgets 的状态。

网格：每个控件单独扫过自己的格点、其余控件取默认值；``combine`` 里列出的控件彼此全组合，并与其余控件
的每一种单独扫描组合。网页上选到一个没算过的组合时，其余控件回到默认值，并说明这一点。
"""

import hashlib
import html
import io
import itertools
import json
import math
import os
from dataclasses import dataclass
from importlib import resources

PRECOMPUTE_ENV = "LESSON_UTILS_PRECOMPUTE"


# ---------------------------------------------------------------- 控件的声明


@dataclass(frozen=True)
class Slider:
    """数值滑块：网页上取 grid 里的值；Jupyter 里取 [min(grid), max(grid)] 内按 step 的任意值。"""

    label: str
    grid: tuple
    default: float
    step: float
    log: bool = False

    @property
    def options(self):
        return [(format_number(v), v) for v in self.grid]

    def live_widget(self):
        import ipywidgets as widgets

        common = dict(description=self.label, style={"description_width": "initial"})
        if self.log:
            return widgets.FloatLogSlider(
                value=self.default, base=10, min=math.log10(self.grid[0]),
                max=math.log10(self.grid[-1]), step=self.step, **common,
            )  # fmt: skip
        if all(isinstance(v, int) for v in (*self.grid, self.step)):
            kind = widgets.IntSlider
        else:
            kind = widgets.FloatSlider
        return kind(
            value=self.default, min=self.grid[0], max=self.grid[-1], step=self.step, **common
        )


@dataclass(frozen=True)
class Choice:
    """下拉框。``options`` 是 Jupyter 里可选的全部 (文字, 值)；网页上只有 ``grid`` 里的那些值。"""

    label: str
    all_options: tuple
    grid: tuple
    default: object

    @property
    def options(self):
        names = {value: name for name, value in self.all_options}
        return [(names[v], v) for v in self.grid]

    def live_widget(self):
        import ipywidgets as widgets

        return widgets.Dropdown(
            options=list(self.all_options), value=self.default, description=self.label,
            style={"description_width": "initial"},
        )  # fmt: skip


@dataclass(frozen=True)
class Text:
    """文本框。Jupyter 里可以随意输入；网页上只显示默认的那一个（只读）。"""

    label: str
    default: str

    @property
    def grid(self):
        return (self.default,)

    @property
    def options(self):
        return [(self.default, self.default)]

    def live_widget(self):
        import ipywidgets as widgets

        return widgets.Text(
            value=self.default, description=self.label, style={"description_width": "initial"}
        )


def format_number(value):
    return f"{value:g}"


def fail(name, message):
    raise ValueError(f"explore: 参数 {name} {message}")


def slider(label, grid, default=None, *, step=None, log=False):
    """数值滑块：``grid`` 是网页上预先算图的取值（递增），``step`` 是 Jupyter 里滑块的步长。

    ``log=True`` 时按对数刻度（``step`` 是 log10 的步长，默认 0.1）。
    ``default`` 缺省时取 grid 的中间值。
    """
    values = tuple(grid)
    if not values or not all(isinstance(v, int | float) and math.isfinite(v) for v in values):
        fail(label, f"的 grid 应为非空的有限数值序列，实际为 {list(values)}（长度 {len(values)}）")
    if any(b <= a for a, b in itertools.pairwise(values)):
        fail(label, f"的 grid 应严格递增，实际为 {list(values)}")
    if log and values[0] <= 0:
        fail(label, f"的 grid 在 log=True 时应全为正数，实际为 {list(values)}")
    default = values[len(values) // 2] if default is None else default
    if default not in values:
        fail(label, f"的 default={default!r} 不在 grid {list(values)} 中")
    if step is None:
        step = 0.1 if log else min((b - a for a, b in itertools.pairwise(values)), default=1)
    if not step > 0:
        fail(label, f"的 step 应为正数，实际为 {step!r}")
    return Slider(label, values, default, step, log)


def choice(label, options, default=None, *, grid=None):
    """下拉框：``options`` 是值的列表，或 (显示的文字, 值) 的列表。

    ``grid`` 是网页上预先算图的那部分值（缺省为全部）；``default`` 缺省时取第一个。
    """
    pairs = tuple((o if isinstance(o, tuple) else (str(o), o)) for o in options)
    if not pairs or any(len(p) != 2 for p in pairs):
        fail(label, f"的 options 应为非空的值或 (文字, 值) 列表，实际为 {list(options)}")
    values = [value for _, value in pairs]
    grid = tuple(values if grid is None else grid)
    missing = [v for v in grid if v not in values]
    if not grid or missing:
        fail(label, f"的 grid 应为 options 中的值（共 {len(values)} 个），不认识 {missing}")
    default = grid[0] if default is None else default
    if default not in grid:
        fail(label, f"的 default={default!r} 不在 grid {list(grid)} 中")
    return Choice(label, pairs, grid, default)


def text(label, default):
    """文本框：Jupyter 里可以输入任何文字；网页上只预先算 ``default`` 这一个。"""
    if not isinstance(default, str):
        fail(label, f"的 default 应为字符串，实际是 {type(default).__name__}")
    return Text(label, default)


# ---------------------------------------------------------------- 网格


def frame_keys(controls, combine=()):
    """要预先算图的取值组合，每个是各控件在自己 grid 里的下标组成的元组。

    controls: {名字: 控件}（顺序即控件顺序）；combine: 彼此全组合的控件名。
    共 ∏(combine 的格点数) × (1 + Σ(其余控件的格点数 − 1)) 个组合，默认组合排在第一个。
    """
    names = list(controls)
    unknown = [n for n in combine if n not in controls]
    if unknown:
        fail("combine", f"里的 {unknown} 不是控件名（控件有 {names}）")
    defaults = [c.grid.index(c.default) for c in controls.values()]
    swept = [i for i, n in enumerate(names) if n not in combine]
    crossed = [i for i, n in enumerate(names) if n in combine]
    keys = []
    for combo in itertools.product(*(range(len(controls[names[i]].grid)) for i in crossed)):
        base = list(defaults)
        for i, value in zip(crossed, combo):
            base[i] = value
        keys.append(tuple(base))
        for i in swept:
            for value in range(len(controls[names[i]].grid)):
                if value != defaults[i]:
                    keys.append(tuple(base[:i] + [value] + base[i + 1 :]))
    default_key = tuple(defaults)
    return [default_key] + [k for k in keys if k != default_key]


def check_controls(fn, controls):
    import inspect

    if not callable(fn):
        fail("fn", f"应为画图函数，实际是 {type(fn).__name__}")
    if not controls:
        fail("controls", "至少要有一个控件（用关键字参数给出，如 w=slider(...)）")
    for name, control in controls.items():
        if not isinstance(control, Slider | Choice | Text):
            fail(name, f"应由 slider()、choice() 或 text() 给出，实际是 {type(control).__name__}")
    parameters = inspect.signature(fn).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    missing = [n for n in controls if n not in parameters and not takes_any]
    if missing:
        fail("fn", f"没有控件 {missing} 对应的参数（fn 的参数：{list(parameters)}）")


# ---------------------------------------------------------------- 画图与压缩


def figure_png(fig, max_width):
    """把 Figure 存成调色板 PNG（≤ 256 色）的字节，宽度不超过 max_width 像素，然后关闭它。"""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure
    from PIL import Image

    if not isinstance(fig, Figure):
        fail("fn", f"应返回 matplotlib 的 Figure，实际返回 {type(fig).__name__}")
    # bbox_inches="tight" 只会把图裁小，所以按整张图的宽度定 dpi 就不会超过 max_width
    dpi = min(fig.dpi, max_width / fig.get_figwidth())
    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")
    plt.close(fig)
    image = Image.open(raw).convert("RGB")
    # 折线、色图、散点都用不到 256 种以上的颜色；不抖动，边缘干净、压缩得更小
    paletted = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    paletted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def precompute_frames(fn, controls, keys, max_width, drawn=None):
    """对每个组合调用 fn，返回 (frames, images)：frames[i] = [key, 图的编号]，相同的图只存一次。

    drawn: {取值组合: Figure}，已经画过的图（Jupyter 控件第一次画的默认图），不再重算。
    """
    import base64

    names = list(controls)
    drawn = drawn or {}
    images, index_of, frames = [], {}, []
    for key in keys:
        values = {n: controls[n].grid[k] for n, k in zip(names, key)}
        fig = drawn.get(tuple(values.items())) or fn(**values)
        png = figure_png(fig, max_width)
        if png not in index_of:
            index_of[png] = len(images)
            images.append(base64.b64encode(png).decode("ascii"))
        frames.append([list(key), index_of[png]])
    return frames, images


# ---------------------------------------------------------------- 网页上的控件


def asset(name):
    return (resources.files("lesson_utils") / "static" / name).read_text(encoding="utf-8")


def control_html(uid, position, name, control):
    """一个控件的 HTML：滑块（下标 0…n−1，按格点吸附）、下拉框，或只读文本框。"""
    ident = f"{uid}-{position}"
    label = f'<label for="{ident}">{html.escape(control.label)}</label>'
    data = f'data-control="{position}" id="{ident}"'
    options = control.options
    default = control.grid.index(control.default)
    if isinstance(control, Text):
        field = f'<input type="text" {data} value="{html.escape(control.default)}" readonly>'
    elif isinstance(control, Slider):
        field = (
            f'<input type="range" {data} min="0" max="{len(options) - 1}" step="1" '
            f'value="{default}" aria-valuetext="{html.escape(options[default][0])}">'
            f'<output for="{ident}">{html.escape(options[default][0])}</output>'
        )
    else:
        items = "".join(
            f'<option value="{i}"{" selected" if i == default else ""}>{html.escape(t)}</option>'
            for i, (t, _) in enumerate(options)
        )
        field = f"<select {data}>{items}</select>"
    return f'<span class="lu-explore-control" data-name="{html.escape(name)}">{label}{field}</span>'


def grid_summary(controls, combine, count):
    if combine and len(combine) == len(controls):
        how = "所有取值全组合"
    elif combine:
        crossed = "、".join(controls[n].label for n in combine)
        how = f"{crossed}的每个取值配上其余控件每次只改一个"
    else:
        how = "每次只改一个控件，其余取默认值"
    return (
        f"网页上的 {count} 张图是执行本页时用上面的函数预先画好的（{how}），控件只停在这些取值上。"
    )


DEFAULT_ALT = "按上面控件的取值画出的图"


def static_html(controls, combine, frames, images, alt=None):
    """网页书里的控件：一个自包含的 <div>（样式、数据、脚本都在里面，不引用任何外部资源）。

    alt: 图的替代文字（读屏软件读出的那句话），说明图里画的是什么；缺省时只说“按控件取值画出的图”。
    """
    first = images[frames[0][1]]  # 默认图已经在 <img> 里，数据里不再存第二份
    payload = json.dumps(
        {
            "labels": [c.label for c in controls.values()],
            "values": [[t for t, _ in c.options] for c in controls.values()],
            "defaults": [c.grid.index(c.default) for c in controls.values()],
            "frames": frames,
            "images": ["" if image == first else image for image in images],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).replace("</", "<\\/")
    uid = "lu-explore-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    fields = "".join(
        control_html(uid, i, name, control) for i, (name, control) in enumerate(controls.items())
    )
    summary = grid_summary(controls, combine, len(frames))
    return (
        f'<div class="lu-explore" id="{uid}">'
        f"<style>{asset('explore.css')}</style>"
        f'<div class="lu-explore-controls">{fields}</div>'
        f'<p class="lu-explore-status" role="status" aria-live="polite"></p>'
        f'<img class="lu-explore-figure" alt="{html.escape(alt or DEFAULT_ALT)}" '
        f'src="data:image/png;base64,{first}">'
        f'<p class="lu-explore-note">{html.escape(summary)}'
        f"在 Jupyter 或 Colab 里运行本页，控件可以取范围内的任意值、任意组合。</p>"
        f'<script type="application/json" class="lu-explore-data">{payload}</script>'
        f"<script>{asset('explore.js')}\nluExplore(document.getElementById({json.dumps(uid)}));"
        f"</script></div>"
    )


# ---------------------------------------------------------------- Jupyter 里的控件


def live_widget(fn, controls, drawn):
    """真的 ipywidgets：控件 + 一个 Output，取值一变就用 fn 重画。

    画过的图记在 drawn（{取值组合: Figure}）里：控件一建好就画默认图，预先算图时可以直接用。
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    live = {name: control.live_widget() for name, control in controls.items()}

    def redraw(**values):
        fig = fn(**values)
        display(fig)
        plt.close(fig)
        if not drawn:
            drawn[tuple(values.items())] = fig

    view = widgets.interactive_output(redraw, live)
    row = widgets.HBox(list(live.values()), layout=widgets.Layout(flex_flow="row wrap"))
    return widgets.VBox([row, view])


def widget_bundle(widget):
    """控件的输出数据（mime bundle）：Jupyter 用其中的 widget-view 画出真的控件。

    ipywidgets 8 有 ``_repr_mimebundle_``；7.x（Colab 的默认版本）没有，
    就照它的 ``_ipython_display_`` 发出的内容自己拼出同样的字典。
    """
    if hasattr(widget, "_repr_mimebundle_"):
        return widget._repr_mimebundle_()
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    return {"text/plain": repr(widget), "application/vnd.jupyter.widget-view+json": view}


def explore(fn, *, alt=None, combine=(), max_frames=60, max_width=720, precompute=None, **controls):
    """显示一个交互图：Jupyter 里是 ipywidgets，网页书里是预先算好的控件（同一个输出）。

    fn: 按控件取值画图、返回 Figure 的函数，参数名与控件名相同。
    alt: 网页上图的替代文字，用一句中文说明图里画的是什么（如“神经元输出随输入变化的曲线”）。
    controls: 名字=slider(...) / choice(...) / text(...)，按给出的顺序排列。
    combine: 彼此全组合的控件名（其余控件每次只改一个）；max_frames: 预先算图的个数上限；
    max_width: 网页图的最大宽度（像素，书的正文栏约 720 像素宽）；
    precompute: 是否预先算图，缺省看环境变量 LESSON_UTILS_PRECOMPUTE（执行笔记本存输出时为 1）。
    """
    from IPython.display import display

    check_controls(fn, controls)
    keys = frame_keys(controls, combine)
    if len(keys) > max_frames:
        fail("max_frames", f"={max_frames}，而网格有 {len(keys)} 个组合：减少格点或 combine 的控件")
    if precompute is None:
        precompute = os.environ.get(PRECOMPUTE_ENV) == "1"
    drawn = {}
    bundle = widget_bundle(live_widget(fn, controls, drawn))
    if precompute:
        frames, images = precompute_frames(fn, controls, keys, max_width, drawn)
        bundle["text/html"] = static_html(controls, combine, frames, images, alt)
    else:
        bundle["text/html"] = (
            "<p>（交互控件需要 Jupyter 的内核；网页书里的版本在执行笔记本存输出时预先算好。）</p>"
        )
    display(bundle, raw=True)
