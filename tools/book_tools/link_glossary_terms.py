"""术语链接与统一译名：只改 Markdown，可以反复运行。

1. 统一译名与几处措辞（RENAMES）：全书一个概念只用一个中文名。
2. 每一页第一次出现某个术语表（book/glossary.md）里的术语时，把它换成 {term}`…`，链接到术语表。

只动笔记本的 Markdown 单元（不碰代码单元和输出，不重新执行）以及各章的 index.md。
已经链接过的术语不再链接，所以在别人改过笔记本之后重跑它，结果与第一次一样。

    .venv/bin/python -m book_tools.link_glossary_terms          # 改写文件
    .venv/bin/python -m book_tools.link_glossary_terms --check  # 只报告，有待改的内容时返回 1
"""

import argparse
import re
import sys
import unicodedata

import nbformat

from book_tools import repo_root

ROOT = repo_root()
GLOSSARY = ROOT / "book" / "glossary.md"

# 本脚本改写的页面：每章的笔记本（只改 Markdown 单元）。
NOTEBOOKS = sorted(p for ch in ("ch1", "ch2", "ch3") for p in (ROOT / "book" / ch).glob("*.ipynb"))
MARKDOWN_PAGES = sorted((ROOT / "book").glob("ch*/index.md"))
RENAME_PAGES = [ROOT / "book" / "references.md"]  # 只统一译名，不加链接

# (旧, 新)：旧文本出现时换成新文本；新文本已在、旧文本不在时什么也不做。
RENAMES = [
    ("权值共享", "权重共享"),  # 原教程与第 2 章都用“权重共享”
    ("深度信念网络", "深度置信网络"),  # 原教程用“深度置信网络”
]

# 术语的其他写法 → 术语表里的名字。
ALIASES = {
    "LSTM": "长短期记忆网络",
    "GRU": "门控循环单元",
    "CNN": "卷积神经网络",
    "RNN": "循环神经网络",
    "GAN": "生成对抗网络",
    "BPTT": "随时间反向传播",
    "JS 散度": "Jensen–Shannon 散度",
    "JSD": "Jensen–Shannon 散度",
    "多层感知机": "前馈神经网络",
    "前馈网络": "前馈神经网络",
    "独热": "独热编码",
}
NEVER_LINK = {"门"}  # 太常见，自动链接会链错


def glossary_terms(text=None):
    """术语表里每一条的第一个名字（中文名），按出现顺序。"""
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    terms, inside, previous_blank = [], False, True
    for line in text.splitlines():
        if line.startswith("```{glossary}"):
            inside, previous_blank = True, True
            continue
        if inside and line.startswith("```"):
            inside = False
            continue
        if inside:
            if line and not line[0].isspace() and previous_blank:
                terms.append(line.strip())
            previous_blank = not line.strip()
    return terms


PROTECTED = [
    re.compile(r"\$\$.*?\$\$(?:\s*\([^)\n]*\))?", re.S),  # 独立公式
    re.compile(r"\$[^$\n]+?\$"),  # 行内公式
    re.compile(r"\{[\w:+-]+\}`[^`]*`"),  # 角色：{cite:p}`…`、{term}`…`、{doc}`…`
    re.compile(r"`[^`\n]*`"),  # 行内代码
    re.compile(r"\]\([^)\n]*\)"),  # 链接地址
    re.compile(r"<[^>\n]*>"),  # HTML
]
# 引号里多是原文的原话：链接放到引号外第一次出现的地方
# （引号里恰好只是一个术语时除外，如“表示学习”）。
QUOTE = re.compile(r"“([^”\n]{0,80})”")
PROTECTED_LINE = re.compile(r"^\s*(#|:|\(.*\)=|%)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")


def protected_mask(text, names=()):
    """不能插入链接的位置：公式、代码、角色、引文、标题行、指令的首行与选项、代码块。"""
    mask = bytearray(len(text))
    for m in QUOTE.finditer(text):
        if m.group(1) not in names:
            mask[m.start() : m.end()] = b"\1" * (m.end() - m.start())
    for pattern in PROTECTED:
        for m in pattern.finditer(text):
            mask[m.start() : m.end()] = b"\1" * (m.end() - m.start())
    stack, position = [], 0  # 栈里是 (围栏, 是不是代码块)
    for line in text.splitlines(keepends=True):
        end = position + len(line)
        fence = FENCE.match(line)
        masked = bool(PROTECTED_LINE.match(line)) or any(code for _, code in stack)
        if fence:
            masked = True
            marks, info = fence.group(1), fence.group(2).strip()
            if stack and stack[-1][0] == marks and not info:
                stack.pop()
            else:
                stack.append((marks, not info.startswith("{")))
        if masked:
            mask[position:end] = b"\1" * (end - position)
        position = end
    return mask


def is_punctuation_or_space(c):
    return c == "" or c.isspace() or unicodedata.category(c).startswith("P") or c in "$+<=>^`|~"


def breaks_emphasis(text, i, j):
    """把 **术语** 里的术语换成角色后，粗体还成立吗？

    CommonMark 的规则：开头的 ** 后面紧跟标点（角色的 {）时，** 前面必须是空白或标点；
    结尾的 ** 前面是标点（角色的 `）时，** 后面必须是空白或标点。中文紧挨着 ** 时两条都不满足，
    粗体就变成了字面的星号。遇到这种位置不插链接，链接留给页面上后面的一次出现。
    """
    before = text[:i].rstrip("*")
    if len(before) < i and not is_punctuation_or_space(before[-1:]):
        return True
    after = text[j:].lstrip("*")
    return len(after) < len(text) - j and not is_punctuation_or_space(after[:1])


def is_ascii_word(s):
    return all(ord(c) < 128 for c in s)


def occurrences(text, name):
    """name 在 text 里的位置；英文名要求两侧不是字母、数字或 . / _。"""
    start = 0
    while (i := text.find(name, start)) >= 0:
        j = i + len(name)
        start = i + 1
        if is_ascii_word(name[0]) and i > 0 and (text[i - 1].isalnum() or text[i - 1] in "._/-"):
            continue
        after = text[j] if j < len(text) else " "
        if is_ascii_word(name[-1]) and after.isascii() and (after.isalnum() or after in "_/"):
            continue
        yield i, j


def linked_targets(text, names):
    """页面里已经有 {term} 链接的术语（按术语表的名字）。"""
    found = set()
    for m in re.finditer(r"\{term\}`([^`]*)`", text):
        content = m.group(1)
        target = re.search(r"<([^>]*)>\s*$", content)
        target = (target.group(1) if target else content).strip()
        found.add(ALIASES.get(target, target))
    return found & set(names)


def link_page(cells, terms):
    """cells：Markdown 文本的列表（一页按顺序）。返回新的列表与链接到的术语。"""
    names = {t: t for t in terms if t not in NEVER_LINK}
    names.update({alias: target for alias, target in ALIASES.items() if target in terms})
    done = linked_targets("\n".join(cells), terms)
    cells, linked = list(cells), []
    for target in [t for t in terms if t not in NEVER_LINK and t not in done]:
        spellings = [n for n, t in names.items() if t == target]
        for k, text in enumerate(cells):
            mask = protected_mask(text, names)
            longer = [n for n, t in names.items() if t != target and any(s in n for s in spellings)]
            covered = bytearray(len(text))
            for n in longer:
                for i, j in occurrences(text, n):
                    covered[i:j] = b"\1" * (j - i)
            hits = sorted(  # 同一位置取最长的写法（“独热编码”而不是“独热”）
                (i, -j)
                for s in spellings
                for i, j in occurrences(text, s)
                if not any(mask[i:j]) and not any(covered[i:j]) and not breaks_emphasis(text, i, j)
            )
            if hits:
                i, j = hits[0][0], -hits[0][1]
                shown = text[i:j]
                role = f"{{term}}`{shown}`" if shown == target else f"{{term}}`{shown} <{target}>`"
                cells[k] = text[:i] + role + text[j:]
                linked.append(shown)
                break
    return cells, linked


def rename(text):
    for old, new in RENAMES:
        text = text.replace(old, new)
    return text


def process(write):
    terms = glossary_terms()
    report, changed = {}, []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        md = [c for c in nb.cells if c.cell_type == "markdown"]
        before = [c.source for c in md]
        new, linked = link_page([rename(s) for s in before], terms)
        if new != before:
            changed.append(path)
            for cell, source in zip(md, new):
                cell.source = source
            if write:
                nbformat.write(nb, path)
        report[path] = linked
    for path in MARKDOWN_PAGES + RENAME_PAGES:
        before = path.read_text(encoding="utf-8")
        text = rename(before)
        linked = []
        if path in MARKDOWN_PAGES:
            (text,), linked = link_page([text], terms)
        if text != before:
            changed.append(path)
            if write:
                path.write_text(text, encoding="utf-8")
        report[path] = linked
    return report, changed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="只报告，不改文件")
    args = parser.parse_args()
    report, changed = process(write=not args.check)
    for path, linked in report.items():
        if linked:
            print(f"{path.relative_to(ROOT)}: {'、'.join(linked)}")
    print(("待改" if args.check else "已改") + f"的文件：{len(changed)}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
