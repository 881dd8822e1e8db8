import numpy as np
import pytest

from lesson_utils.data import load_digits_split


def test_digits_split_is_real_stratified_and_repeatable():
    split = load_digits_split()
    assert split.X_train.shape == (1437, 64) and split.X_test.shape == (360, 64)
    assert split.images_test.shape == (360, 8, 8)
    assert split.X_train.min() == 0.0 and split.X_train.max() == 1.0
    assert split.y_train.dtype == np.int64
    assert set(np.bincount(split.y_test)) <= {35, 36, 37}  # 每类约 36 张
    again = load_digits_split()
    np.testing.assert_array_equal(split.X_test, again.X_test)


def test_standardize_uses_training_statistics_only():
    raw = load_digits_split()
    split = load_digits_split(standardize=True)
    varying = raw.X_train.std(axis=0) > 0
    np.testing.assert_allclose(split.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(split.X_train.std(axis=0)[varying], 1, rtol=1e-12)
    assert abs(split.X_test.mean()) > 1e-6  # 测试集没有被单独标准化
    np.testing.assert_array_equal(split.images_test, raw.images_test)


def test_bad_test_size():
    with pytest.raises(ValueError, match="test_size"):
        load_digits_split(test_size=1.5)
