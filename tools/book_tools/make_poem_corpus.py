"""3.3.1 节的语料：《全唐诗》里的五言绝句与五言律诗，简体，去重，按诗分成训练/验证/测试。

    .venv/bin/python -m book_tools.make_poem_corpus            # 重新生成 corpora/tang_wuyan.tsv.gz
    .venv/bin/python -m book_tools.make_poem_corpus --check    # 只核对随包的文件与重新生成的一致

来源：npm 上的 chinese-poetry 包（package.json 锁定版本；MIT 许可；诗作本身是公有领域），
node_modules/chinese-poetry/dist/quantangshi/poet.tang.*.json，繁体。步骤：

1. 每首诗的正文是各段拼接；只留“五字，五字。”反复 2 次（绝句）或 4 次（律诗）的诗，
   每个字都是 CJK 统一汉字（带“□”缺字、“（一作…）”异文注或其他标点的诗被去掉）。
   标题与作者名里扩展 B 区等罕用字（码位超过 U+FFFF）记作 □：随包的字体与 PDF 的字体都没有这些字。
2. 用 OpenCC 的 t2s 配置转成简体（作者、标题、正文都转）。
3. 按简体正文去重：同一首诗在全唐诗里常常归在两位作者名下，只留文件顺序里的第一次。
4. 按正文的 SHA-256 分组：前 8 个十六进制数字对 100 取余，< 80 为 train，< 90 为 val，其余为 test。
   分组只看这首诗自己，所以数据更新、增删别的诗都不会让一首诗换组。

输出是 gzip 压缩的 TSV（mtime 固定为 0，同样的输入得到同样的字节）：开头几行 # 注释写明来源与许可，
之后每行一首：组<TAB>体裁<TAB>作者<TAB>标题<TAB>正文。
"""

import argparse
import gzip
import hashlib
import json
import re
import sys
from pathlib import Path

from book_tools import repo_root

SOURCE_PACKAGE = "chinese-poetry"
SOURCE_DIR = Path("dist") / "quantangshi"
OUT = repo_root() / "src" / "lesson_utils" / "corpora" / "tang_wuyan.tsv.gz"

CJK = "\u4e00-\u9fff"
COUPLET = f"[{CJK}]{{5}}，[{CJK}]{{5}}。"
FORMS = {2: "五言绝句", 4: "五言律诗"}
SPLIT_BOUNDS = (("train", 80), ("val", 90), ("test", 100))


def source_root():
    """node_modules 里的 chinese-poetry（npm ci 按 package-lock.json 安装）。"""
    root = repo_root() / "node_modules" / SOURCE_PACKAGE
    if not (root / SOURCE_DIR).is_dir():
        raise FileNotFoundError(f"没有找到 {root / SOURCE_DIR}：先在仓库根目录运行 npm ci")
    return root


def source_files(root):
    """poet.tang.0.json、poet.tang.1000.json……按数字顺序（也就是全唐诗的卷次顺序）。"""
    files = (root / SOURCE_DIR).glob("poet.tang.*.json")
    return sorted(files, key=lambda path: int(path.name.split(".")[2]))


def form_of(text):
    """正文是五言绝句或律诗时返回体裁，否则返回 None。"""
    match = re.fullmatch(f"(?:{COUPLET})+", text)
    couplets = len(text) // 12
    return FORMS.get(couplets) if match else None


def split_of(text):
    bucket = int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100
    return next(name for name, bound in SPLIT_BOUNDS if bucket < bound)


def rare_as_box(text):
    """码位超过 U+FFFF 的字（扩展 B 区等）记作 □：随包的字体与 PDF 的字体都没有它们。
    只用于标题与作者名，正文里没有这样的字（form_of 只收 U+4E00–U+9FFF）。"""
    return "".join("□" if ord(ch) > 0xFFFF else ch for ch in text)


def derive_rows(root):
    """[(组, 体裁, 作者, 标题, 正文)]，按全唐诗的顺序。"""
    import opencc

    to_simplified = opencc.OpenCC("t2s").convert
    rows, seen = [], set()
    for path in source_files(root):
        for poem in json.loads(path.read_text(encoding="utf-8")):
            text = to_simplified("".join(poem["paragraphs"]))
            form = form_of(text)
            if form is None or text in seen:
                continue
            seen.add(text)
            author = to_simplified(poem.get("author") or "佚名").replace("\t", " ")
            title = to_simplified(poem.get("title") or "无题").replace("\t", " ")
            author, title = rare_as_box(author), rare_as_box(title)
            rows.append((split_of(text), form, author, title, text))
    return rows


def header(root):
    version = json.loads((root / "package.json").read_text(encoding="utf-8"))["version"]
    return [
        "# 《全唐诗》中的五言绝句与五言律诗（简体）。",
        "# 每行一首：组<TAB>体裁<TAB>作者<TAB>标题<TAB>正文。",
        "# 诗作均为公有领域（public domain）。文本取自 npm 包 chinese-poetry "
        f"{version}（https://github.com/chinese-poetry/chinese-poetry，MIT 许可）的 quantangshi，",
        "# 用 OpenCC（t2s）转为简体、按正文去重，",
        "# 按正文的 SHA-256 分为 train/val/test（80/10/10）。",
        "# 由 book_tools.make_poem_corpus 生成，勿手改。",
    ]


def render(root):
    lines = header(root) + ["\t".join(row) for row in derive_rows(root)]
    return "\n".join(lines) + "\n"


def write(text, path=OUT):
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as handle,
    ):
        handle.write(text.encode("utf-8"))


def shipped_text(path=OUT):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return handle.read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="只核对随包的文件，不写")
    args = parser.parse_args(argv)
    text = render(source_root())
    if args.check:
        if shipped_text() != text:
            print(
                f"{OUT} 与重新生成的不一致：运行 python -m book_tools.make_poem_corpus",
                file=sys.stderr,
            )
            return 1
        print(f"{OUT.name} 与来源一致")
        return 0
    write(text)
    poems = text.count("\n") - len(header(source_root()))
    print(f"写出 {OUT}（{OUT.stat().st_size / 1e6:.2f} MB，{poems} 首）")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
