import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402

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


def test_chinese_renders_without_missing_glyphs():
    chain = use_book_style()
    assert BUNDLED_FONT_FAMILY in chain
    render("训练损失与测试准确率：反向传播 −1")


def test_missing_glyph_is_an_error():
    use_book_style()
    fail_on_missing_glyphs()
    with pytest.raises(UserWarning, match="missing from"):
        render("中文", family="DejaVu Sans")
