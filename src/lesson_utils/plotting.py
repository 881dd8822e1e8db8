"""全书统一的绘图风格，以及在任何机器上都能显示中文的字体设置。

matplotlib 自带的 DejaVu Sans 没有汉字，直接画中文会显示成方框，并发出
"Glyph … missing from font(s)" 警告。``use_book_style()`` 做三件事：

1. 按顺序找系统里的中文字体（macOS、Windows、常见 Linux 发行版的名字），找不到时用本包自带的
   Noto Sans SC 子集（SIL OFL 1.1，6763 个 GB 2312 汉字）。matplotlib 只读 .ttc 文件里的第一个字形
   （例如 Debian 的 NotoSansCJK-Regular.ttc 第一个是日文），所以自带字体是单独的 .otf。
2. 设成字体回退链：系统字体 → 自带字体 → DejaVu Sans，某个字缺字时自动用下一个。
3. 把缺字警告变成异常：方框字永远不会悄悄出现在书里。
"""

import warnings
from importlib import resources

import matplotlib as mpl
from matplotlib import font_manager

BUNDLED_FONT_FILE = "NotoSansSC-Book-Subset.otf"
BUNDLED_FONT_FAMILY = "Noto Sans SC Book Subset"

# 这些字体都是单独的字形文件（或 .ttc 的第一个字形就是简体中文），matplotlib 能按名字找到。
SYSTEM_CJK_FAMILIES = [
    "PingFang SC",  # macOS
    "Heiti SC",  # 旧版 macOS
    "Microsoft YaHei",  # Windows
    "SimHei",  # Windows
    "Noto Sans SC",  # Google Fonts 的单独 OTF
    "Source Han Sans SC",
    "Noto Sans CJK SC",  # 单独安装的 OTF（不是 .ttc）时可用
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
]

GLYPH_MISSING = r"Glyph \d+ .*missing from (current )?font"

BOOK_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#17becf"]


def bundled_font_path():
    return resources.files("lesson_utils") / "fonts" / BUNDLED_FONT_FILE


def register_bundled_font():
    """把自带字体加入 matplotlib 的字体表（重复调用无害）。"""
    path = str(bundled_font_path())
    if path not in {f.fname for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    return BUNDLED_FONT_FAMILY


def system_cjk_families():
    """本机已安装、matplotlib 能用的中文字体名（按优先顺序）。"""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [name for name in SYSTEM_CJK_FAMILIES if name in installed]


def cjk_font_chain():
    """字体回退链：系统中文字体（若有）→ 自带字体 → DejaVu Sans（拉丁字母与数学符号）。"""
    return system_cjk_families() + [register_bundled_font(), "DejaVu Sans"]


def use_book_style():
    """应用全书的绘图风格；每个笔记本开头调用一次。返回实际使用的字体链。"""
    chain = cjk_font_chain()
    mpl.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": chain,
            "mathtext.fontset": "dejavusans",
            "axes.unicode_minus": False,  # 用 ASCII 减号，任何字体都有
            "axes.prop_cycle": mpl.cycler(color=BOOK_COLORS),
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.fontsize": 10,
            "legend.frameon": False,
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "savefig.bbox": "tight",
            "image.cmap": "viridis",
        }
    )
    fail_on_missing_glyphs()
    return chain


def fail_on_missing_glyphs():
    """缺字警告 → 异常。"""
    warnings.filterwarnings("error", message=GLYPH_MISSING, category=UserWarning)
