"""lesson_utils.explore：网格、输入检查、存进笔记本的网页控件（浏览器里见 test_browser.py）。"""

import base64
import io
import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from lesson_utils import explore as ex  # noqa: E402


def line_figure(slope, offset, style):
    fig, ax = plt.subplots(figsize=(4, 2.5))
    ax.plot([0, 1], [offset, offset + slope], style)
    ax.set_title(f"slope {slope}, offset {offset}")
    return fig


CONTROLS = dict(
    slope=ex.slider("斜率", [-2, -1, 0, 1, 2], default=1),
    offset=ex.slider("截距", [0.0, 0.5, 1.0], default=0.0, step=0.1),
    style=ex.choice("线型", [("实线", "-"), ("虚线", "--")]),
)


def capture_bundles(monkeypatch):
    """explore 显示的 mime bundle（raw=True 的那次 display；控件自己的重画不算）。"""
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: raw and shown.append(obj))
    return shown


def shown_bundle(monkeypatch, fn=line_figure, **kwargs):
    shown = capture_bundles(monkeypatch)
    ex.explore(fn, **{**CONTROLS, **kwargs})
    assert len(shown) == 1
    return shown[0]


def payload(page):
    """网页控件的数据；默认图（数据里是空串，它在 <img> 里）换回来，方便逐张检查。"""
    data = json.loads(re.search(r'class="lu-explore-data">(.*?)</script>', page).group(1))
    shown = re.search(
        r'<img class="lu-explore-figure"[^>]*src="data:image/png;base64,([^"]+)"', page
    )
    data["images"] = [image or shown.group(1) for image in data["images"]]
    return data


def test_sweep_varies_one_control_at_a_time_from_the_defaults():
    keys = ex.frame_keys(CONTROLS)
    defaults = (3, 0, 0)
    assert keys[0] == defaults
    assert len(keys) == len(set(keys)) == 1 + 4 + 2 + 1
    assert all(sum(k != d for k, d in zip(key, defaults)) <= 1 for key in keys)


def test_combine_crosses_the_named_controls_with_the_sweep_of_the_rest():
    keys = ex.frame_keys(CONTROLS, combine=["slope", "style"])
    assert len(keys) == len(set(keys)) == 5 * 2 * (1 + 2)
    full = ex.frame_keys(CONTROLS, combine=list(CONTROLS))
    assert sorted(full) == sorted((a, b, c) for a in range(5) for b in range(3) for c in range(2))


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: ex.slider("w", [1, 2, 3], default=5), ["w", "default=5", "[1, 2, 3]"]),
        (lambda: ex.slider("w", [3, 2, 1]), ["w", "递增"]),
        (lambda: ex.slider("w", []), ["w", "长度 0"]),
        (lambda: ex.slider("w", [0, 1], log=True), ["w", "log=True"]),
        (lambda: ex.slider("w", [0, 1], step=0), ["w", "step"]),
        (lambda: ex.choice("c", ["a", "b"], grid=["a", "z"]), ["c", "'z'", "共 2 个"]),
        (lambda: ex.choice("c", ["a", "b"], default="z"), ["c", "default='z'"]),
        (lambda: ex.text("t", 3), ["t", "int"]),
    ],
)
def test_bad_control_declarations_name_the_argument(make, words):
    with pytest.raises(ValueError) as error:
        make()
    for word in words:
        assert word in str(error.value)


def test_bad_explore_calls_name_the_argument(monkeypatch):
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    with pytest.raises(ValueError, match=r"参数 fn .*\['typo'\]"):
        ex.explore(line_figure, typo=ex.slider("x", [1, 2]))
    with pytest.raises(ValueError, match=r"参数 slope .*slider\(\)"):
        ex.explore(line_figure, slope=[1, 2])
    with pytest.raises(ValueError, match=r"参数 combine .*\['nope'\]"):
        ex.explore(line_figure, combine=["nope"], **CONTROLS)
    with pytest.raises(ValueError, match=r"参数 max_frames =3.*8 个组合"):
        ex.explore(line_figure, max_frames=3, **CONTROLS)
    with pytest.raises(ValueError, match=r"参数 fn .*Figure.*NoneType"):
        ex.explore(lambda slope, offset, style: None, precompute=True, **CONTROLS)
    with pytest.raises(ValueError, match=r"参数 controls"):
        ex.explore(line_figure)


def test_bundle_has_the_live_widget_and_a_precomputed_page(monkeypatch):
    bundle = shown_bundle(monkeypatch, precompute=True)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    data = payload(page)
    keys = ex.frame_keys(CONTROLS)
    assert [tuple(key) for key, _ in data["frames"]] == keys
    assert data["defaults"] == list(keys[0])
    # 网页只提供算过的值：滑块的格点数、下拉框的选项与 grid 一致
    assert data["values"] == [["-2", "-1", "0", "1", "2"], ["0", "0.5", "1"], ["实线", "虚线"]]
    assert re.findall(r'type="range"[^>]*max="(\d+)"', page) == ["4", "2"]
    assert re.findall(r"<option[^>]*>(.*?)</option>", page) == ["实线", "虚线"]
    assert "任意值" in page
    # 自包含：没有任何外部地址
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_the_page_figure_carries_the_given_alt_text(monkeypatch):
    alt = "直线随斜率 <与> 截距变化"
    page = shown_bundle(monkeypatch, precompute=True, alt=alt)["text/html"]
    assert re.findall(r'<img class="lu-explore-figure" alt="([^"]*)"', page) == [
        "直线随斜率 &lt;与&gt; 截距变化"
    ]
    page = shown_bundle(monkeypatch, precompute=True)["text/html"]  # 缺省：仍有一句中文
    assert f'alt="{ex.DEFAULT_ALT}"' in page


def test_each_frame_is_the_figure_fn_draws_for_its_values(monkeypatch):
    data = payload(shown_bundle(monkeypatch, precompute=True)["text/html"])
    names = list(CONTROLS)
    images = data["images"]
    assert len(set(images)) == len(images) == len(data["frames"])  # 每组取值画出的图都不同
    for key, image in data["frames"]:
        values = {n: CONTROLS[n].grid[k] for n, k in zip(names, key)}
        expected = ex.figure_png(line_figure(**values), max_width=720)
        assert base64.b64decode(images[image]) == expected, values


def test_frames_are_palette_pngs_no_wider_than_the_column(monkeypatch):
    data = payload(shown_bundle(monkeypatch, precompute=True, max_width=300)["text/html"])
    for encoded in data["images"]:
        image = Image.open(io.BytesIO(base64.b64decode(encoded)))
        assert image.format == "PNG" and image.mode == "P"
        assert image.width <= 300


def test_without_precompute_no_figures_are_drawn_for_the_page(monkeypatch):
    monkeypatch.delenv(ex.PRECOMPUTE_ENV, raising=False)
    calls = []

    def counting(**values):
        calls.append(values)
        return line_figure(**values)

    bundle = shown_bundle(monkeypatch, fn=counting)
    assert "lu-explore-data" not in bundle["text/html"]
    assert len(calls) == 1  # 只有 Jupyter 控件的第一次绘图


def test_text_controls_are_read_only_on_the_page(monkeypatch):
    def labelled(word):
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.set_title(word)
        return fig

    shown = capture_bundles(monkeypatch)
    ex.explore(labelled, word=ex.text("文字", "hello"), precompute=True)
    page = shown[0]["text/html"]
    assert re.search(r'<input type="text"[^>]*value="hello" readonly>', page)
    assert len(payload(page)["frames"]) == 1


def test_precompute_draws_each_combination_once(monkeypatch):
    calls = []

    def counting(**values):
        calls.append(tuple(values.values()))
        return line_figure(**values)

    shown_bundle(monkeypatch, fn=counting, precompute=True)
    # Jupyter 控件先画默认图，预先算图时直接用它
    assert sorted(calls) == sorted(
        tuple(CONTROLS[n].grid[k] for n, k in zip(CONTROLS, key)) for key in ex.frame_keys(CONTROLS)
    )


def test_widget_bundle_works_without_repr_mimebundle():
    """ipywidgets 7（Colab 的默认版本）的控件没有 _repr_mimebundle_：照样给出 widget-view。"""

    class OldWidget:
        model_id = "abc123"

        def __repr__(self):
            return "VBox(...)"

    bundle = ex.widget_bundle(OldWidget())
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view == {"version_major": 2, "version_minor": 0, "model_id": "abc123"}
    assert bundle["text/plain"] == "VBox(...)"
