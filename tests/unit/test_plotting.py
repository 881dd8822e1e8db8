import matplotlib

matplotlib.use("Agg")

import gzip  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

import lesson_utils  # noqa: E402
from lesson_utils.plotting import (  # noqa: E402
    BUNDLED_FONT_FAMILY,
    bundled_font_path,
    fail_on_missing_glyphs,
    use_book_style,
)


def render(text, family=None):
    fig, ax = plt.subplots()
    ax.set_title(text, family=family)
    fig.canvas.draw()
    plt.close(fig)


def test_bundled_font_has_the_characters_a_chinese_textbook_uses():
    font = font_manager.get_font(str(bundled_font_path()))
    cmap = font.get_charmap()
    for char in "深度学习反向传播卷积神经网络梯度消失生成对抗损失函数（）：，。αβ∂∑":
        assert ord(char) in cmap, char


def gb2312_hanzi():
    """GB 2312 的全部 6763 个汉字（区 0xB0–0xF7）。"""
    chars = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.append(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


def corpus_characters():
    corpora = Path(lesson_utils.__file__).parent / "corpora"
    texts = [
        gzip.open(path, "rt", encoding="utf-8").read() for path in sorted(corpora.glob("*.tsv.gz"))
    ]
    assert texts, "没有找到随包的语料"
    return {char for text in texts for char in text if not char.isspace()}


def test_bundled_font_covers_gb2312_and_every_character_of_the_bundled_corpora():
    cmap = font_manager.get_font(str(bundled_font_path())).get_charmap()
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    missing = sorted(
        {c for c in hanzi if ord(c) not in cmap}
        | {c for c in corpus_characters() if ord(c) not in cmap}
    )
    assert not missing, "".join(missing)


def test_rare_poem_characters_render_with_the_bundled_font_alone():
    use_book_style()  # 注册自带字体
    fail_on_missing_glyphs()
    render("鄜州 翃 佺 昚 橦 湲 矰 蟢", family=BUNDLED_FONT_FAMILY)


def test_chinese_renders_without_missing_glyphs():
    chain = use_book_style()
    assert BUNDLED_FONT_FAMILY in chain
    render("训练损失与测试准确率：反向传播 −1")


def test_missing_glyph_is_an_error():
    use_book_style()
    fail_on_missing_glyphs()
    with pytest.raises(UserWarning, match="missing from"):
        render("中文", family="DejaVu Sans")
