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


def test_default_has_no_validation_set():
    split = load_digits_split()
    assert split.X_val is None and split.y_val is None and split.images_val is None


def test_validation_split_is_stratified_disjoint_and_repeatable():
    plain = load_digits_split(seed=3)
    split = load_digits_split(seed=3, val_size=0.2)
    assert split.X_train.shape == (1077, 64) and split.X_val.shape == (360, 64)
    assert split.images_val.shape == (360, 8, 8) and split.y_val.dtype == np.int64
    assert set(np.bincount(split.y_val)) <= {35, 36, 37}  # 验证集也按类别分层
    # 测试集与不要验证集时相同；验证集来自原来的训练集
    np.testing.assert_array_equal(split.X_test, plain.X_test)
    rows = {tuple(row) for row in plain.X_train}
    assert len(rows) == len({tuple(row) for row in plain.X_train})  # 没有重复的图片
    train_rows = {tuple(row) for row in split.X_train}
    val_rows = {tuple(row) for row in split.X_val}
    assert train_rows | val_rows == rows and not train_rows & val_rows
    again = load_digits_split(seed=3, val_size=0.2)
    np.testing.assert_array_equal(split.X_val, again.X_val)
    other = load_digits_split(seed=4, val_size=0.2)
    assert not np.array_equal(split.y_val, other.y_val)


def test_validation_set_standardized_with_training_statistics():
    raw = load_digits_split(val_size=0.2)
    split = load_digits_split(val_size=0.2, standardize=True)
    mean, std = raw.X_train.mean(axis=0), raw.X_train.std(axis=0)
    std[std == 0] = 1.0
    np.testing.assert_allclose(split.X_val, (raw.X_val - mean) / std, rtol=1e-12)
    np.testing.assert_array_equal(split.images_val, raw.images_val)


@pytest.mark.parametrize(
    "sizes, name",
    [
        (dict(test_size=0.0), "test_size"),
        (dict(val_size=-0.1), "val_size"),
        (dict(val_size=1.0), "val_size"),
        (dict(test_size=0.5, val_size=0.5), "test_size \\+ val_size"),
        (dict(test_size=0.7, val_size=0.4), "test_size \\+ val_size"),
    ],
)
def test_bad_split_sizes_name_the_argument(sizes, name):
    with pytest.raises(ValueError, match=name):
        load_digits_split(**sizes)


def test_poem_corpus_is_split_by_poem_into_regulated_five_character_poems():
    import re

    from lesson_utils.data import load_poem_corpus

    corpus = load_poem_corpus()
    sizes = {split: len(poems) for split, poems in corpus.items()}
    assert sum(sizes.values()) == 17521
    assert 0.78 < sizes["train"] / 17521 < 0.82 and sizes["val"] > 1500 and sizes["test"] > 1500
    texts = [p.text for poems in corpus.values() for p in poems]
    assert len(set(texts)) == len(texts)  # 去过重：同一首诗不会同时在训练集和测试集里
    couplet = "[\u4e00-\u9fff]{5}，[\u4e00-\u9fff]{5}。"
    forms = {"五言绝句": 2, "五言律诗": 4}
    for poem in corpus["test"] + corpus["val"][:200]:
        assert re.fullmatch(f"(?:{couplet}){{{forms[poem.form]}}}", poem.text), poem
    # 简体：繁体里常见的字不出现
    assert not set("們國風雲東書") & set("".join(texts))
