"""全书共用的数据：只用随软件包一起安装的数据集，运行时不联网下载。"""

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


@dataclass(frozen=True)
class DigitsSplit:
    """scikit-learn 自带的手写数字（1797 张 8×8 灰度图，来自 UCI），分成训练、测试和可选的验证集。

    X_*: (N, 64) float64，网络的输入；images_*: (N, 8, 8)，像素缩放到 [0, 1]，用于显示；
    y_*: (N,) int64，取值 0–9。没有要验证集（val_size=0）时，X_val、y_val、images_val 都是 None，
    误用时立即报错，而不是在一个空数组上算出 nan。
    """

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    images_train: np.ndarray
    images_test: np.ndarray
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    images_val: np.ndarray | None = None


def check_split_sizes(test_size, val_size):
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"load_digits_split: 参数 test_size 应在 (0, 1) 内，实际为 {test_size!r}")
    if not 0.0 <= val_size < 1.0:
        raise ValueError(f"load_digits_split: 参数 val_size 应在 [0, 1) 内，实际为 {val_size!r}")
    if test_size + val_size >= 1.0:
        raise ValueError(
            "load_digits_split: 参数 test_size + val_size 应小于 1（还要留下训练集），"
            f"实际为 {test_size!r} + {val_size!r}"
        )


def load_digits_split(test_size=0.2, seed=0, standardize=False, val_size=0.0):
    """按类别分层（stratified）随机划分；同一 seed 总是得到同一划分。

    test_size、val_size 是占全部 1797 张图片的比例。先按 test_size 留出测试集（与 val_size 无关：
    同一 seed 的测试集总是同一批图片），再从剩下的图片里按类别分层留出验证集；val_size=0（默认）
    时没有验证集，划分与只有训练集和测试集时完全相同。

    standardize=False：X 是缩放到 [0, 1] 的像素。standardize=True：每个像素减去训练集上的均值、
    除以训练集上的标准差（验证集和测试集用同样的统计量，不偷看它们；在训练集上恒定的像素只减均值）。
    """
    check_split_sizes(test_size, val_size)
    digits = load_digits()
    pixels = digits.data.astype(np.float64) / 16.0  # 原始像素是 0–16 的整数
    labels = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        pixels, labels, test_size=test_size, random_state=seed, stratify=labels
    )
    X_val = y_val = images_val = None
    if val_size > 0:
        # val_size 是占全部数据的比例，换算成占剩下（训练 + 验证）部分的比例
        X_train, X_val, y_train, y_val = train_test_split(
            X_train,
            y_train,
            test_size=val_size / (1.0 - test_size),
            random_state=seed,
            stratify=y_train,
        )
        images_val = X_val.reshape(-1, 8, 8)
    images_train, images_test = X_train.reshape(-1, 8, 8), X_test.reshape(-1, 8, 8)
    if standardize:
        mean, std = X_train.mean(axis=0), X_train.std(axis=0)
        std[std == 0] = 1.0
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
        if X_val is not None:
            X_val = (X_val - mean) / std
    return DigitsSplit(
        X_train, X_test, y_train, y_test, images_train, images_test, X_val, y_val, images_val
    )


@dataclass(frozen=True)
class Poem:
    """一首诗。form 为体裁（“五言绝句”或“五言律诗”），text 为正文（含标点，不含换行）。"""

    form: str
    title: str
    author: str
    text: str


POEM_CORPUS_FILE = Path(__file__).parent / "corpora" / "tang_wuyan.tsv.gz"
POEM_SPLITS = ("train", "val", "test")


def load_poem_corpus():
    """《全唐诗》中的五言绝句与五言律诗（简体、去重，17521 首），已按诗分成训练、验证、测试三组。

    返回 {"train": [Poem, …], "val": […], "test": […]}，各组内按全唐诗的顺序。分组由每首诗正文的
    SHA-256 决定（约 80/10/10），同一首诗只在一组里。来源（npm 包 chinese-poetry，MIT 许可；诗作是
    公有领域）与整理方式见数据文件开头的注释；book_tools.make_poem_corpus 从来源重新生成它。
    """
    corpus = {split: [] for split in POEM_SPLITS}
    with gzip.open(POEM_CORPUS_FILE, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            split, form, author, title, text = line.rstrip("\n").split("\t")
            corpus[split].append(Poem(form, title, author, text))
    return corpus
