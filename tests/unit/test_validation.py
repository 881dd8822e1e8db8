import numpy as np
import pytest

from lesson_utils.validation import check_float_array, check_labels, check_shapes


def test_check_shapes_returns_symbolic_dims():
    x, W = np.zeros((4, 3)), np.zeros((5, 3))
    assert check_shapes("f", x=(x, ("N", "D")), W=(W, ("H", "D"))) == {"N": 4, "D": 3, "H": 5}


def test_mismatched_dimension_names_both_arguments_and_shapes():
    x, W = np.zeros((4, 3)), np.zeros((5, 2))
    with pytest.raises(ValueError) as info:
        check_shapes("linear_forward", x=(x, ("N", "D")), W=(W, ("H", "D")))
    message = str(info.value)
    for part in ("linear_forward", "x", "W", "(4, 3)", "(5, 2)", "D"):
        assert part in message


def test_wrong_rank_and_fixed_size():
    with pytest.raises(ValueError, match=r"b 应为 1 维数组.*\(5, 1\)"):
        check_shapes("f", b=(np.zeros((5, 1)), ("H",)))
    with pytest.raises(ValueError, match=r"dout 的形状应为 \(2, 3\)，实际为 \(3, 2\)"):
        check_shapes("f", dout=(np.zeros((3, 2)), (2, 3)))


def test_non_float_and_non_array_and_mixed_dtypes():
    with pytest.raises(ValueError, match="float32 或 float64.*int64"):
        check_float_array("f", "x", np.zeros(3, dtype=np.int64))
    with pytest.raises(ValueError, match="NumPy 数组.*list"):
        check_float_array("f", "x", [1.0, 2.0])
    with pytest.raises(ValueError, match="dtype 应一致.*x: float32.*W: float64"):
        check_shapes(
            "f", x=(np.zeros((2, 3), np.float32), ("N", "D")), W=(np.zeros((4, 3)), ("H", "D"))
        )


def test_check_labels():
    check_labels("f", "y", np.array([0, 2, 1]), 3, 3)
    with pytest.raises(ValueError, match="整数类别标签.*float64"):
        check_labels("f", "y", np.array([0.0, 1.0]), 2, 3)
    with pytest.raises(ValueError, match=r"形状应为 \(3,\).*\(2,\)"):
        check_labels("f", "y", np.array([0, 1]), 3, 3)
    with pytest.raises(ValueError, match=r"\[0, 3\).*\[0, 3\]"):
        check_labels("f", "y", np.array([0, 3, 1]), 3, 3)
    with pytest.raises(ValueError, match="取值"):
        check_labels("f", "y", np.array([-1, 0, 1]), 3, 3)


def test_conflicting_dimension_names_the_latest_array_that_gave_it():
    """维度不一致时，报错指出最近一个给出这个维度的参数（书页里存着这样的报错信息）。"""
    with pytest.raises(ValueError) as caught:
        check_shapes(
            "f",
            a=(np.ones((3, 6)), ("N", "H")),
            b=(np.ones((24, 6)), (24, "H")),
            c=(np.ones((3, 2)), ("N", "H")),
        )
    assert str(caught.value) == (
        "f: 维度 H 不一致：b 的形状 (24, 6) 给出 H=6，而 c 的形状 (3, 2) 给出 H=2（c 应为 (N, H)）"
    )
