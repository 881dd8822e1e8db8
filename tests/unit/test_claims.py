import numpy as np
import pytest

from lesson_utils import claims
from lesson_utils.claims import (
    LINE_PATTERN,
    ClaimFailed,
    claim,
    experiment_seeds,
    glue,
    seed_shift,
)
from lesson_utils.devices import seed_everything


def test_claim_prints_a_visible_line(capsys):
    claim(True, "裁剪后 5 次都收敛", "5/5", key="3.3-clip-converges")
    out = capsys.readouterr().out
    assert out == "✓ [3.3-clip-converges] 裁剪后 5 次都收敛（5/5）\n"
    match = LINE_PATTERN.search(out)  # 结论清单按这个格式读回
    assert match["key"] == "3.3-clip-converges" and match["text"] == "裁剪后 5 次都收敛（5/5）"


def test_failed_claim_raises_with_the_statement():
    with pytest.raises(ClaimFailed, match="3.3-lstm-wins.*LSTM 胜过 RNN.*0/5"):
        claim(False, "LSTM 胜过 RNN", "0/5", key="3.3-lstm-wins")
    with pytest.raises(AssertionError):  # 也是 AssertionError：pytest 与读者都按失败处理
        claim(np.bool_(False), "x", key="A-x")


BAD_KEYS = [None, "", "clip", "3.3", "3.3-Clip", "3.3_clip", "33-clip", "3.3-"]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_claim_needs_a_well_formed_key(key):
    with pytest.raises((ValueError, TypeError), match="key"):
        claim(True, "x", key=key)


@pytest.mark.parametrize("statement", ["", "两行\n结论", None])
def test_claim_needs_a_one_line_statement(statement):
    with pytest.raises(ValueError, match="statement"):
        claim(True, statement, key="3.3-x")


def test_seeds_shift_together(monkeypatch):
    monkeypatch.delenv("LESSON_SEED_SHIFT", raising=False)
    assert seed_shift() == 0
    assert experiment_seeds(3) == [0, 1, 2]
    unshifted = seed_everything(5).normal()
    monkeypatch.setenv("LESSON_SEED_SHIFT", "100")
    assert experiment_seeds(3, first=2) == [102, 103, 104]
    assert seed_everything(5).normal() == np.random.default_rng(105).normal() != unshifted


@pytest.mark.parametrize("raw", ["-1", "abc", "1.5"])
def test_bad_shift(monkeypatch, raw):
    monkeypatch.setenv("LESSON_SEED_SHIFT", raw)
    with pytest.raises(ValueError, match="LESSON_SEED_SHIFT"):
        seed_shift()


@pytest.mark.parametrize("count, first", [(0, 0), (2, -1), (1.5, 0)])
def test_bad_seed_arguments(count, first):
    with pytest.raises(ValueError, match="count|first"):
        experiment_seeds(count, first)


def test_glue_without_myst_nb_is_a_no_op(monkeypatch, capsys):
    # Colab 与普通 Jupyter 没有 myst-nb：笔记本照样运行，只是正文的 {glue} 不会被替换
    monkeypatch.setattr(claims, "myst_nb_installed", lambda: False)
    assert glue("x", 1.5) is None
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    "value, display", [(1.5, False), (np.float64(0.25), False), ("文字", True)]
)
def test_glue_writes_exactly_what_myst_nb_glue_writes(value, display):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from myst_nb import glue as myst_glue
    from myst_nb.ext.glue import GLUE_PREFIX

    InteractiveShell.instance()  # glue 只在 IPython 里输出
    with capture_output() as ours:
        glue("x", value, display=display)
    with capture_output() as theirs:
        myst_glue("x", value, display=display)
    assert GLUE_PREFIX == claims.GLUE_PREFIX
    assert [(o.data, o.metadata) for o in ours.outputs] == [
        (o.data, o.metadata) for o in theirs.outputs
    ]
    assert len(ours.outputs) == 1
