"""全书共用的数据：只用随软件包一起安装的数据集，运行时不联网下载。"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


@dataclass(frozen=True)
class DigitsSplit:
    """scikit-learn 自带的手写数字（1797 张 8×8 灰度图，来自 UCI），分成训练集与测试集。

    X_*: (N, 64) float64，网络的输入；images_*: (N, 8, 8)，像素缩放到 [0, 1]，用于显示；
    y_*: (N,) int64，取值 0–9。
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    images_train: np.ndarray
    images_test: np.ndarray


def load_digits_split(test_size=0.2, seed=0, standardize=False):
    """按类别分层（stratified）随机划分；同一 seed 总是得到同一划分。

    standardize=False：X 是缩放到 [0, 1] 的像素。standardize=True：每个像素减去训练集上的均值、
    除以训练集上的标准差（测试集用同样的统计量，不偷看测试数据；在训练集上恒定的像素只减均值）。
    """
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"load_digits_split: 参数 test_size 应在 (0, 1) 内，实际为 {test_size!r}")
    digits = load_digits()
    pixels = digits.data.astype(np.float64) / 16.0  # 原始像素是 0–16 的整数
    labels = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        pixels, labels, test_size=test_size, random_state=seed, stratify=labels
    )
    images_train, images_test = X_train.reshape(-1, 8, 8), X_test.reshape(-1, 8, 8)
    if standardize:
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        std[std == 0] = 1.0
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
    return DigitsSplit(X_train, X_test, y_train, y_test, images_train, images_test)


@dataclass(frozen=True)
class Poem:
    """一首诗。form 为体裁（“五言绝句”或“五言律诗”），text 为正文（含标点，不含换行）。"""

    form: str
    title: str
    author: str
    text: str


POEMS_FILE = Path(__file__).parent / "corpora" / "tang300_wuyan.tsv"


def load_tang_poems():
    """《唐诗三百首》中的五言绝句与五言律诗（109 首，约 4500 字），随软件包安装，公有领域。

    出处与整理方式见数据文件开头的注释。返回 Poem 的列表，顺序与原书相同。
    """
    poems = []
    with open(POEMS_FILE, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            form, title, author, text = line.rstrip("\n").split("\t")
            poems.append(Poem(form, title, author, text))
    return poems
