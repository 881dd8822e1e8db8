"""真浏览器里的书：Debian 的 chromium（经 Playwright 驱动），只许访问本机。

前提是书已经构建好（``make test`` 先运行 ``make book``）。对 _build/html/book/ 下的每一页：
外部网络全部拦截并记为失败；不许有控制台错误和失败的请求；图片都加载成功；有公式的页面公式已排版、
没有 MathJax 错误；正文里有中文。另外检查中文搜索“反向传播”能找到 3.1 节，并保存首页与 3.1 节的截图
到 _build/browser/ 供人查看。
"""

import re

import pytest
from browser_support import HTML, SHOTS, built_pages, launch_chromium, open_page, serve_book


def test_no_page_references_an_external_script_or_stylesheet():
    pattern = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"(?:https?:)?//([^/\"]+)", re.I)
    offenders = {}
    for page in built_pages():
        hosts = set(pattern.findall((HTML / page).read_text(encoding="utf-8")))
        if hosts:
            offenders[page] = hosts
    assert not offenders, offenders


@pytest.fixture(scope="module")
def site():
    with serve_book() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launch_chromium() as chromium:
        yield chromium


MATH_MARKERS = ("\\(", "\\[", "$$", 'class="math')


@pytest.mark.parametrize("page_name", built_pages())
def test_page_renders_offline(browser, site, page_name):
    page, problems = open_page(browser, f"{site}/{page_name}")
    source = (HTML / page_name).read_text(encoding="utf-8")
    if any(marker in source for marker in MATH_MARKERS):
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
            " && document.querySelectorAll('mjx-container').length > 0",
            timeout=20_000,
        )
        page.evaluate("() => MathJax.startup.promise")
        assert page.locator("mjx-merror").count() == 0, "MathJax 排版出错"
    broken = page.evaluate(
        "() => Array.from(document.images)"
        ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"
    )
    assert not broken, f"没加载出来的图片：{broken}"
    text = page.evaluate("() => document.body.innerText")
    assert re.search(r"[\u4e00-\u9fff]", text), "页面上没有中文"
    if page_name in ("book/intro.html", "book/ch3/3-1-feedforward-backprop.html"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / page_name.replace("/", "_").replace(".html", ".png")))
    page.close()
    assert not problems, problems


def test_chinese_search_finds_backpropagation_in_3_1(browser, site):
    page, problems = open_page(browser, f"{site}/search.html?q=反向传播")
    page.wait_for_selector("#search-results li a", timeout=20_000)
    links = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.href)")
    page.close()
    assert any("3-1-feedforward-backprop" in link for link in links), links
    assert not problems, problems


# ---- lesson_utils.explore：网页上不需要内核的控件 ----

WIDGET_PAGES = [
    "book/ch2/2-1-neural-networks.html",
    "book/ch3/3-1-feedforward-backprop.html",
    "book/ch3/3-2-cnn.html",
    "book/ch3/3-3-rnn.html",
    "book/ch3/3-4-gan.html",
]
ADDED_BYTES_PER_PAGE = 2_000_000  # 每页因控件多出的字节（预先算好的图都内嵌在页面里）


def explore_blocks(source):
    return re.findall(r'<div class="lu-explore" id="[^"]+">.*?</script></div>', source, re.S)


def test_every_widget_is_a_kernel_free_control_within_the_page_budget():
    pages = {p: (HTML / p).read_text(encoding="utf-8") for p in built_pages()}
    with_widgets = sorted(p for p, source in pages.items() if explore_blocks(source))
    assert with_widgets == sorted(WIDGET_PAGES)
    # 没有哪一页还要靠 ipywidgets 的状态（那只能显示一张不会动的图）
    frozen = [p for p, source in pages.items() if "application/vnd.jupyter.widget-" in source]
    assert not frozen, frozen
    for name in WIDGET_PAGES:
        added = sum(len(block.encode()) for block in explore_blocks(pages[name]))
        assert added <= ADDED_BYTES_PER_PAGE, f"{name}：控件占 {added} 字节"


def figure_source(page, root):
    return page.evaluate(
        "r => { const i = r.querySelector('img.lu-explore-figure');"
        " return i.complete && i.naturalWidth > 0 ? i.src : null; }",
        root,
    )


def move_with_keyboard(page, control):
    """用键盘把控件挪一格（滑块的方向键、下拉框的上下键）；挪不动时往回挪。"""
    control.focus()
    before = control.input_value()
    page.keyboard.press("ArrowRight" if control.get_attribute("type") == "range" else "ArrowDown")
    if control.input_value() == before:
        page.keyboard.press("ArrowLeft" if control.get_attribute("type") == "range" else "ArrowUp")
    assert control.input_value() != before, "键盘挪不动控件"


@pytest.mark.parametrize("page_name", WIDGET_PAGES)
def test_moving_each_control_changes_the_figure_offline(browser, site, page_name):
    page, problems = open_page(browser, f"{site}/{page_name}")
    roots = page.locator("div.lu-explore")
    assert roots.count() >= 1
    shot = SHOTS / page_name.replace("/", "_").replace(".html", "")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for r in range(roots.count()):
        root = roots.nth(r).element_handle()
        root.scroll_into_view_if_needed()
        page.screenshot(path=f"{shot}-widget{r}-before.png")
        controls = roots.nth(r).locator("input[type=range], select")
        assert controls.count() >= 1
        for c in range(controls.count()):
            before = figure_source(page, root)
            assert before, "控件里的图没有加载出来"
            move_with_keyboard(page, controls.nth(c))
            after = figure_source(page, root)
            assert after and after != before, f"第 {c + 1} 个控件动了，图没变"
        page.screenshot(path=f"{shot}-widget{r}-after.png")
    page.close()
    assert not problems, problems


def test_a_combination_not_precomputed_resets_the_other_controls(browser, site):
    page, problems = open_page(browser, f"{site}/book/ch3/3-3-rnn.html")
    sliders = page.locator("div.lu-explore input[type=range]")
    first_default = sliders.nth(0).input_value()
    move_with_keyboard(page, sliders.nth(0))
    move_with_keyboard(page, sliders.nth(1))  # 3.3 每次只改一个控件：第一个回到默认值
    assert sliders.nth(0).input_value() == first_default
    status = page.locator("div.lu-explore .lu-explore-status").inner_text()
    assert "已回到默认值" in status
    page.close()
    assert not problems, problems
