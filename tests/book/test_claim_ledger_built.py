"""构建好的结论清单页（附录）列出的结论，恰好是各页存下的全部结论，每个链接都指向页面上存在的锚点。"""

from html.parser import HTMLParser

import pytest
from conftest import ROOT, stored_claims

HTML = ROOT / "_build" / "html"


class Links(HTMLParser):
    """清单页表格里的链接，以及任一页上的元素 id。"""

    def __init__(self):
        super().__init__()
        self.hrefs, self.ids, self._table = [], set(), 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "table" and "claim-ledger" in (attrs.get("class") or ""):
            self._table += 1
        if tag == "a" and self._table and attrs.get("href"):
            self.hrefs.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "table" and self._table:
            self._table -= 1


def parse(path):
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_built_ledger_lists_exactly_the_stored_claims_and_links_to_them():
    ledger_page = HTML / "book" / "appendix" / "claims.html"
    if not ledger_page.exists():
        pytest.fail("没有找到 _build/html/book/appendix/claims.html：先运行 make book")
    listed = {}
    for href in parse(ledger_page).hrefs:
        page, _, anchor = href.partition("#")
        assert anchor.startswith("claim-"), f"清单里的链接 {href} 不指向结论"
        target = (ledger_page.parent / page).resolve()
        assert anchor in parse(target).ids, f"{href}：目标页上没有这个锚点"
        listed[anchor.removeprefix("claim-")] = target.relative_to(HTML).as_posix()
    stored = {key: pages[0] for key, pages in stored_claims().items()}
    assert set(listed) - set(stored) == set(), "清单列出了没有哪一页打印的结论"
    assert set(stored) - set(listed) == set(), "这些页面上的结论不在清单里"
    assert listed == stored, "清单里的链接指向了错误的页面"
