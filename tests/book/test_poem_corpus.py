"""随包的唐诗语料与它的来源一致：从 node_modules 里的 npm 包 chinese-poetry 重新生成，逐字比较。

make test 之前 make book 已经运行过 npm ci（package.json 锁定 chinese-poetry 的版本），
转简体用的 opencc 在 requirements.txt 里。
"""

from book_tools import make_poem_corpus


def test_shipped_poem_corpus_matches_its_source():
    root = make_poem_corpus.source_root()
    regenerated = make_poem_corpus.render(root)
    assert make_poem_corpus.shipped_text() == regenerated, (
        "src/lesson_utils/corpora/tang_wuyan.tsv.gz 与来源不一致："
        "运行 python -m book_tools.make_poem_corpus"
    )


def test_shipped_poem_corpus_is_small():
    assert make_poem_corpus.OUT.stat().st_size <= 2_000_000
