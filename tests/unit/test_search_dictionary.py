"""中文搜索：Sphinx 用 jieba 给网页分词建索引，书的术语词典要让“反向传播”这类术语保持为一个词。"""

import jieba
import yaml
from conftest import ROOT


def test_config_points_at_the_dictionary():
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    path = config["sphinx"]["config"]["html_search_options"]["dict"]
    assert (ROOT / path).is_file()


def test_book_terms_are_single_tokens():
    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(ROOT / "book" / "jieba_userdict.txt"))
    text = "用反向传播训练卷积神经网络，循环神经网络的梯度消失，生成对抗网络的最优判别器与模式崩溃"
    words = set(tokenizer.lcut(text))
    terms = ["反向传播", "卷积神经网络", "循环神经网络", "梯度消失", "生成对抗网络", "模式崩溃"]
    for term in terms:
        assert term in words, (term, words)


def test_every_dictionary_line_is_well_formed():
    for line in (ROOT / "book" / "jieba_userdict.txt").read_text(encoding="utf-8").splitlines():
        word, frequency, tag = line.split(" ")
        assert word and int(frequency) > 0 and tag == "n"
