import numpy as np
import pytest

from lesson_utils.gradcheck import gradient_check, numeric_gradient


def affine(x, W):
    return x @ W.T


def test_numeric_gradient_of_affine_map_is_exact():
    rng = np.random.default_rng(1)
    x, W = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    dout = rng.normal(size=(4, 5))
    numeric = numeric_gradient(lambda x_: affine(x_, W), x, dout)
    np.testing.assert_allclose(numeric, dout @ W, rtol=1e-8, atol=1e-9)


def test_correct_gradient_passes():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4))
    dout = rng.normal(size=(3, 4))
    row = gradient_check("tanh", np.tanh, x, dout * (1 - np.tanh(x) ** 2), dout)
    assert row.passed, row


@pytest.mark.parametrize(
    "plant",
    [
        lambda g: 1.01 * g,  # 差 1%
        lambda g: g.T.reshape(g.shape),  # 转置错误
        lambda g: g + 1e-5,  # 很小的偏移
    ],
)
def test_planted_wrong_gradient_is_caught(plant):
    rng = np.random.default_rng(3)
    x, W = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    dout = rng.normal(size=(4, 4))
    correct = dout @ W
    row = gradient_check("dx", lambda x_: affine(x_, W), x, plant(correct), dout, num_checks=16)
    assert not row.passed


def test_all_ones_upstream_hides_a_bug_that_a_random_one_catches():
    """为什么用随机 dout：sum(out) 的梯度对行置换不敏感。"""
    rng = np.random.default_rng(4)
    x, W = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    ones = np.ones((4, 5))
    buggy = (ones @ W)[::-1]  # 行顺序反了
    assert gradient_check("ones", lambda x_: affine(x_, W), x, buggy, ones, num_checks=12).passed
    dout = rng.normal(size=(4, 5))
    buggy = (dout @ W)[::-1]
    assert not gradient_check("rand", lambda x_: affine(x_, W), x, buggy, dout, 12).passed


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match="float64"):
        numeric_gradient(np.tanh, np.zeros(3, np.float32), np.ones(3))
    with pytest.raises(ValueError, match=r"dout 的形状 \(2,\).*\(3,\)"):
        numeric_gradient(np.tanh, np.zeros(3), np.ones(2))
    with pytest.raises(ValueError, match="analytic 的形状"):
        gradient_check("x", np.tanh, np.zeros(3), np.zeros(2), np.ones(3))
