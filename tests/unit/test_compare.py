import numpy as np
import pytest
import torch

from lesson_utils.compare import VerificationTable, compare, to_numpy, to_torch


def test_identical_arrays_pass_with_zero_error():
    a = np.linspace(-1, 1, 7)
    row = compare("a", a, torch.tensor(a))
    assert row.passed and row.max_abs == 0 and row.max_rel == 0


def test_rounding_noise_passes_but_a_real_error_fails():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(5, 4))
    assert compare("noise", a, a * (1 + 1e-14)).passed
    wrong = a.copy()
    wrong[2, 1] += 1e-6
    row = compare("wrong", wrong, a)
    assert not row.passed
    assert row.max_abs == pytest.approx(1e-6, rel=1e-6)


def test_shape_mismatch_fails_instead_of_broadcasting():
    row = compare("dW", np.zeros((3, 1)), np.zeros((3,)))
    assert not row.passed and "形状不符" in row.problem


def test_table_prints_and_raises_on_failure(capsys):
    table = VerificationTable()
    table.check("good", np.ones(3), torch.ones(3, dtype=torch.float64))
    table.check("bad", np.ones(3), 2 * np.ones(3))
    table.show()
    printed = capsys.readouterr().out
    assert "量" in printed and "最大绝对误差" in printed and "最大相对误差" in printed
    assert "通过" in printed and "失败" in printed
    with pytest.raises(AssertionError, match="1/2 项.*bad"):
        table.report()


def test_table_passes_silently_when_all_agree():
    table = VerificationTable()
    table.check("x", np.arange(4.0), np.arange(4.0))
    table.assert_all_passed()


def test_round_trip_keeps_dtype():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = to_torch(x, requires_grad=True)
    assert t.dtype == torch.float32 and t.requires_grad
    assert to_numpy(t).dtype == np.float32


def test_infinities_of_same_sign_agree_and_nan_fails():
    assert compare("inf", np.array([np.inf]), np.array([np.inf])).passed
    assert not compare("nan", np.array([np.nan]), np.array([1.0])).passed


def test_relative_error_ignores_values_below_the_absolute_tolerance():
    row = compare("subnormal", np.array([5e-324, 0.5]), np.array([0.0, 0.5]))
    assert row.passed and row.max_rel < 1e-300
    assert compare("x", np.array([1.0]), np.array([1.5])).max_rel == pytest.approx(1 / 3)
