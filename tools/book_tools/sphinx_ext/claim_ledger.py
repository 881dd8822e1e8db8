"""结论清单：把全书每一页断言过的结论（``claim(...)`` 打印的 ``✓ [编号] …`` 行）汇成附录里的一张表。

构建时做三件事，数据全部来自笔记本里存储的输出（也就是读者在页面上看到的那些行）：

1. 读每个笔记本页时，在打印了 ``✓ [key] …`` 的输出块上加锚点 ``claim-<key>``，并把它登记成
   Sphinx 的引用目标，网页与 PDF 都能链接过去；同时记下这一页的结论、证据与所在页。
2. 附录页里的 ``{claim-ledger}`` 指令在写出时换成按页分段的表：编号（链接到那一行）、结论、
   这次运行打印的证据；每页注明检验方式（第 1–3 章的页面另在 ``make seeds`` 里换三组种子重跑）。
3. 同一个编号出现两次、或编号不以所在页的节号开头，构建报警告（``make book`` 把警告当错误）。

编号与打印的格式由 ``lesson_utils.claims`` 定义（``KEY_PATTERN``、``LINE_PATTERN``），这里只读取。
"""

import re

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from lesson_utils.claims import LINE_PATTERN, SEED_SHIFTS_TESTED

logger = logging.getLogger(__name__)

SEEDED_CHAPTERS = re.compile(r"^book/ch[123]/")  # make seeds 重新执行的页面
SECTION_OF_PAGE = re.compile(r"^book/ch[0-9]/([0-9])-([0-9])-")  # book/ch3/3-3-rnn → 3.3


def target_id(key):
    return f"claim-{key}"


def split_evidence(text):
    """ "结论（证据）" → ("结论", "证据")；末尾没有括号时证据为空。括号可以嵌套。"""
    if not text.endswith("）"):
        return text, ""
    depth = 0
    for position in range(len(text) - 1, -1, -1):
        if text[position] == "）":
            depth += 1
        elif text[position] == "（":
            depth -= 1
            if depth == 0:
                return text[:position], text[position + 1 : -1]
    return text, ""


def section_of(docname):
    match = SECTION_OF_PAGE.match(docname)
    return f"{match[1]}.{match[2]}" if match else "A"


def collect_claims(app, doctree):
    """读完一页：给打印了结论的输出块加锚点，登记引用目标，并记下这一页的结论。"""
    env = app.env
    docname = env.docname
    found = []
    std = env.get_domain("std")
    for block in doctree.findall(nodes.literal_block):
        if "output" not in block["classes"]:
            continue
        for match in LINE_PATTERN.finditer(block.astext()):
            key, text = match["key"], match["text"]
            node_id = target_id(key)
            if node_id in block["ids"]:
                logger.warning(f"结论编号 {key} 在本页出现了两次", location=block)
                continue
            block["ids"].append(node_id)
            statement, evidence = split_evidence(text)
            std.labels[node_id] = (docname, node_id, f"结论 {key}")
            std.anonlabels[node_id] = (docname, node_id)
            found.append({"key": key, "statement": statement, "evidence": evidence})
            if not key.startswith(section_of(docname) + "-"):
                logger.warning(
                    f"结论编号 {key} 应以本页的节号 {section_of(docname)}- 开头", location=block
                )
    if found:
        env.claim_ledger = getattr(env, "claim_ledger", {})
        env.claim_ledger[docname] = found


def purge_claims(app, env, docname):
    getattr(env, "claim_ledger", {}).pop(docname, None)
    ledger_pages(env).discard(docname)


def merge_claims(app, env, docnames, other):
    env.claim_ledger = getattr(env, "claim_ledger", {})
    ledger_pages(env).update(ledger_pages(other) & set(docnames))
    for docname in docnames:
        if docname in getattr(other, "claim_ledger", {}):
            env.claim_ledger[docname] = other.claim_ledger[docname]


def check_unique(app, env):
    owner = {}
    for docname, claims in sorted(getattr(env, "claim_ledger", {}).items()):
        for item in claims:
            if item["key"] in owner and owner[item["key"]] != docname:
                logger.warning(
                    f"结论编号 {item['key']} 同时出现在 {owner[item['key']]} 与 {docname}",
                    location=docname,
                )
            owner[item["key"]] = docname


class claim_ledger_node(nodes.General, nodes.Element):
    """占位：写出时换成结论清单的表。"""


class ClaimLedgerDirective(SphinxDirective):
    has_content = False

    def run(self):
        self.env.note_dependency(__file__)
        ledger_pages(self.env).add(self.env.docname)
        return [claim_ledger_node()]


def ledger_pages(env):
    """含 {claim-ledger} 的页面（通常一页）。"""
    if not hasattr(env, "claim_ledger_pages"):
        env.claim_ledger_pages = set()
    return env.claim_ledger_pages


def ledger_outdated(app, env, added, changed, removed):
    """任何一页变了，清单页就要重新写出（它的内容来自别的页）。"""
    if added or changed or removed:
        return sorted(ledger_pages(env) - set(removed))
    return []


def ref_to(target, text):
    """指向 std 标签（结论锚点或页面）的引用，网页与 PDF 都能解析。"""
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="ref", reftarget=target, refexplicit=True, refwarn=True
    )
    ref += nodes.inline(text=text)
    return ref


def page_ref(docname, title):
    ref = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=True, refwarn=True
    )
    ref += nodes.inline(text=title)
    return ref


def text_cell(*children):
    entry = nodes.entry()
    paragraph = nodes.paragraph()
    paragraph.extend(children)
    entry += paragraph
    return entry


def how_tested(docname):
    if SEEDED_CHAPTERS.match(docname):
        shifts = "、".join(str(s) for s in SEED_SHIFTS_TESTED)
        return f"默认种子；另把种子整体平移 {shifts} 各重跑一遍"
    return "默认种子"


def claims_table(claims):
    """一页的结论：编号（链接到打印它的那一行）、结论、这次运行打印的证据。"""
    headers = ("编号", "结论", "本次运行的证据")
    # colwidths-given：PDF 按比例分栏并自动换行（否则 LaTeX 的表格一行排到底、溢出页面）
    table = nodes.table(classes=["claim-ledger", "longtable", "colwidths-given"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in (18, 48, 34):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for header in headers:
        row += text_cell(nodes.Text(header))
    head += row
    group += head
    body = nodes.tbody()
    for item in claims:
        row = nodes.row()
        row += text_cell(ref_to(target_id(item["key"]), item["key"]))
        row += text_cell(nodes.Text(item["statement"]))
        row += text_cell(nodes.Text(item["evidence"] or "—"))
        body += row
    group += body
    return table


def page_section(env, docname):
    """一页一段：页名（链接）、检验方式，再是这一页的结论表。"""
    claims = env.claim_ledger[docname]
    title = env.titles[docname].astext() if docname in env.titles else docname
    heading = nodes.rubric()
    heading += page_ref(docname, title)
    note = nodes.paragraph(text=f"{len(claims)} 个结论。检验：{how_tested(docname)}。")
    return [heading, note, claims_table(claims)]


class ReplaceLedger(SphinxPostTransform):
    """在引用解析之前（优先级低于 ReferencesResolver 的 10）换上表格，表里的链接随后照常解析。"""

    default_priority = 5

    def run(self, **kwargs):
        env = self.env
        ledger = getattr(env, "claim_ledger", {})
        order = [d for d in env.found_docs if d in ledger]
        toc_order = {name: i for i, name in enumerate(toctree_includes_order(env))}
        order.sort(key=lambda d: (toc_order.get(d, len(toc_order)), d))
        total = sum(len(ledger[d]) for d in order)
        for placeholder in list(self.document.findall(claim_ledger_node)):
            summary = nodes.paragraph(text=f"全书 {len(order)} 页共断言 {total} 个结论，按页排列。")
            content = [summary]
            for docname in order:
                content.extend(page_section(env, docname))
            placeholder.replace_self(content)


def toctree_includes_order(env):
    """按目录的阅读顺序列出文档名。"""
    order = []

    def walk(docname):
        if docname in order:
            return
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            walk(child)

    walk(env.config.root_doc)
    return order


def setup(app):
    app.add_node(claim_ledger_node)
    app.add_directive("claim-ledger", ClaimLedgerDirective)
    app.connect("doctree-read", collect_claims)
    app.connect("env-purge-doc", purge_claims)
    app.connect("env-merge-info", merge_claims)
    app.connect("env-check-consistency", check_unique)
    app.connect("env-get-outdated", ledger_outdated)
    app.add_post_transform(ReplaceLedger)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
