"""无障碍：axe-core 检查每一页，键盘与读屏软件能用每个控件，手机宽度下没有页面横向滚动。

axe-core（Lighthouse 背后的无障碍检查引擎）由 npm 装在 node_modules/axe-core（package.json 的
devDependencies，make book 的 npm ci 装上它）；它只由这里的测试注入页面，书的网页本身不加载它。
每一页在四种视图下检查：桌面（1280 px）与手机（390 px）宽度 × 亮色与暗色主题，任何 serious 或
critical 级别的问题都算失败，报告页面、规则与出问题的元素。一种视图共用一个浏览器标签页，逐页跳转。
"""

import re

import pytest
from browser_support import (
    HTML,
    built_pages,
    launch_chromium,
    open_page,
    serve_book,
    watch_offline,
)
from conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
THEMES = ("light", "dark")
FAILING_IMPACTS = ("serious", "critical")
MATH_MARKERS = ("\\(", "\\[", "$$", 'class="math')


def all_pages():
    """书的每一页，加上搜索页与索引页（读者同样会打开它们）。"""
    return built_pages() + ["genindex.html", "search.html"]


@pytest.fixture(scope="module")
def site():
    with serve_book() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launch_chromium() as chromium:
        yield chromium


class Tab:
    """一种宽度的一个标签页，各页的测试共用它，逐页跳转；主题在页面里切换，就像读者点配色按钮。"""

    def __init__(self, browser, site, width, height):
        self.site = site
        self.context = browser.new_context(viewport={"width": width, "height": height})
        # pydata-sphinx-theme 从 localStorage 的 mode 取配色（读者点配色按钮时存的就是它）
        self.context.add_init_script("localStorage.setItem('mode', 'light');")
        self.page = self.context.new_page()
        self.problems = []
        watch_offline(self.page, self.problems)
        self.current = None

    def visit(self, page_name):
        """打开一页（已经在这一页时不再重新加载），等公式排好，换回亮色主题。"""
        if page_name != self.current:
            self.problems.clear()
            self.page.goto(f"{self.site}/{page_name}", wait_until="networkidle")
            source = (HTML / page_name).read_text(encoding="utf-8")
            if any(marker in source for marker in MATH_MARKERS):
                self.page.wait_for_function(
                    "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                    timeout=20_000,
                )
                self.page.evaluate("() => MathJax.startup.promise")
            self.current = page_name
        self.set_theme("light")
        return self.page

    def set_theme(self, theme):
        self.page.evaluate(
            """theme => {
              localStorage.setItem('mode', theme);
              document.documentElement.dataset.mode = theme;
              document.documentElement.dataset.theme = theme;
            }""",
            theme,
        )
        # 等颜色的过渡动画走完，axe 量到的才是切换后的颜色
        self.page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            ".then(() => Promise.all(document.getAnimations().map(a => a.finished)))"
        )


@pytest.fixture(scope="module")
def tabs(browser, site):
    opened = {name: Tab(browser, site, *size) for name, size in WIDTHS.items()}
    yield opened
    for tab in opened.values():
        tab.context.close()


@pytest.fixture(scope="module", params=all_pages())
def page_name(request):
    """module 级的参数：pytest 把同一页的各项测试排在一起，标签页不必为每项测试重新加载。"""
    return request.param


def axe_violations(page):
    """在页面里运行 axe-core，返回全部违规，每个出问题的元素一项。"""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        if not AXE.exists():
            pytest.fail(f"没有找到 {AXE}：运行 npm ci（make book 会运行它）")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ['violations']});
          return result.violations.flatMap(v => v.nodes.map(n => ({
            rule: v.id, impact: n.impact || v.impact, help: v.help,
            targets: n.target.map(String), html: n.html.slice(0, 160),
          })));
        }"""
    )


def test_axe_finds_no_serious_violation_at_either_width_or_theme(tabs, page_name):
    found = []
    for width, tab in tabs.items():
        page = tab.visit(page_name)
        for theme in THEMES:
            tab.set_theme(theme)
            found += [
                f"  [{width}, {theme}] {v['impact']} {v['rule']}（{v['help']}）："
                f"{' '.join(v['targets'])}  {v['html']}"
                for v in axe_violations(page)
                if v["impact"] in FAILING_IMPACTS
            ]
        assert not tab.problems, tab.problems
    assert not found, f"{page_name} 有 {len(found)} 处严重的无障碍问题：\n" + "\n".join(found)


# ---- 手机宽度（390 px）：页面不横向滚动；公式、代码、表格在自己的框里滚动；图缩放到正文栏以内 ----

PHONE_LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const scroller = document.scrollingElement;
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (typeof el.className === 'string' && el.className.trim()
       ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const nearestBox = el => {  // 最近的 overflow-x 不是 visible 的祖先
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== 'visible') return e;
    }
    return null;
  };
  const sticking = [], clipped = [], images = [];
  for (const el of document.querySelectorAll('.bd-article *')) {
    if (el.closest('mjx-assistive-mml, .visually-hidden, .sr-only')) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    if (el.tagName === 'IMG' && box.right > width + 1) images.push(describe(el));
    if (box.right <= width + 1 && box.left >= -1) continue;
    const parent = nearestBox(el);
    if (!parent) { sticking.push(describe(el)); continue; }
    if (['auto', 'scroll'].includes(getComputedStyle(parent).overflowX)) continue;  // 在框里滚动
    const shown = parent.getBoundingClientRect();  // overflow 是 hidden/clip：超出的部分看不到
    if (box.right > shown.right + 1 || box.left < shown.left - 1) {
      clipped.push(describe(el) + ' in ' + describe(parent));
    }
  }
  return {sideways: scroller.scrollWidth - scroller.clientWidth,
          sticking: sticking.slice(0, 8), clipped: clipped.slice(0, 8), images: images.slice(0, 8)};
}"""


def test_phone_page_does_not_scroll_sideways(tabs, page_name):
    layout = tabs["phone"].visit(page_name).evaluate(PHONE_LAYOUT)
    sideways = layout["sideways"]
    assert sideways <= 0, f"{page_name} 在 390 px 宽时可以横向滚动 {sideways} px"
    assert not layout["sticking"], f"伸出正文栏、又不在可滚动的框里的元素：{layout['sticking']}"
    assert not layout["clipped"], f"被裁掉、滚不到的内容：{layout['clipped']}"
    assert not layout["images"], f"比正文栏宽的图：{layout['images']}"


# ---- 键盘与读屏软件：解答的折叠按钮、折叠的代码、交互控件、搜索 ----

FOCUS_BEFORE = """el => {
  const focusable = Array.from(document.querySelectorAll(
      'a[href], button, input, select, textarea, summary, [tabindex]'))
    .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0
                 && getComputedStyle(e).visibility !== 'hidden');
  const i = focusable.indexOf(el);
  if (i < 0) return false;
  if (i === 0) document.activeElement.blur(); else focusable[i - 1].focus();
  return true;
}"""
FOCUS_VISIBLE = """el => {
  const style = getComputedStyle(el);
  return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
         || (style.boxShadow !== 'none' && style.boxShadow !== '');
}"""


def tab_to(page, locator):
    """从它前面一个可聚焦的元素按 Tab：焦点必须落在它上面，而且焦点轮廓看得见。"""
    element = locator.element_handle()
    element.scroll_into_view_if_needed()
    assert page.evaluate(FOCUS_BEFORE, element), "它不在 Tab 键的顺序里"
    page.keyboard.press("Tab")
    assert page.evaluate("el => document.activeElement === el", element), "按 Tab 到不了它"
    assert page.evaluate(FOCUS_VISIBLE, element), "有键盘焦点时看不到焦点轮廓"
    return element


def accessible_node(page, selector):
    """读屏软件看到的样子（Chrome 的无障碍树）：(角色, 名称, 值)。"""
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    ax = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
    cdp.detach()
    first = ax["nodes"][0]
    return (
        first["role"]["value"],
        first.get("name", {}).get("value", ""),
        str(first.get("value", {}).get("value", "")),
    )


CHINESE = re.compile(r"[\u4e00-\u9fff]")
SOLUTIONS_PAGE = "book/ch3/3-1-feedforward-backprop.html"


def test_solution_toggles_and_hidden_code_work_from_the_keyboard(browser, site):
    page, problems = open_page(browser, f"{site}/{SOLUTIONS_PAGE}")
    buttons = page.locator("button.toggle-button")
    assert buttons.count() >= 1
    for i in range(buttons.count()):
        button = buttons.nth(i)
        tab_to(page, button)
        role, name, _ = accessible_node(page, f"#{css_id(button.get_attribute('id'))}")
        assert role == "button" and CHINESE.search(name) and "点击展开" in name, (role, name)
        target = page.locator(f"#{css_id(button.get_attribute('data-target'))}")
        assert button.get_attribute("aria-expanded") == "false"
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        assert "toggle-hidden" not in target.get_attribute("class")
        assert "点击收起" in accessible_node(page, f"#{css_id(button.get_attribute('id'))}")[1]
        page.keyboard.press("Space")
        assert button.get_attribute("aria-expanded") == "false"
    summaries = page.locator("details.hide > summary:visible")
    assert summaries.count() >= 1
    for i in range(summaries.count()):
        summary = summaries.nth(i)
        element = tab_to(page, summary)
        name = page.evaluate("el => el.textContent", element)
        assert "显示代码" in name
        page.keyboard.press("Enter")
        assert page.evaluate("el => el.parentElement.open", element), "Enter 没有展开代码"
        page.keyboard.press("Enter")
        assert not page.evaluate("el => el.parentElement.open", element)
    page.close()
    assert not problems, problems


def css_id(ident):
    return re.sub(r"([^\w-])", r"\\\1", ident)


WIDGET_PAGES = [
    "book/ch2/2-1-neural-networks.html",
    "book/ch3/3-1-feedforward-backprop.html",
    "book/ch3/3-2-cnn.html",
    "book/ch3/3-3-rnn.html",
    "book/ch3/3-4-gan.html",
]


SHOWN_VALUE = """el => el.type === 'range'
  ? [el.getAttribute('aria-valuetext'), el.parentNode.querySelector('output').textContent]
  : [el.options[el.selectedIndex].textContent, el.options[el.selectedIndex].textContent]"""


@pytest.mark.parametrize("widget_page", WIDGET_PAGES)
def test_widget_controls_announce_role_chinese_name_and_value(browser, site, widget_page):
    """滑块与下拉框：Tab 能到、方向键能拨；角色与中文名称；读出的值与显示的一致。

    滑块的格点下标不是读者看到的取值，所以滑块带 aria-valuetext（显示的值，随控件更新）。Chrome 的
    DevTools 无障碍树对原生 <input type=range> 只报告下标，这里直接比较 aria-valuetext 与显示的值；
    下拉框的值取自选中的选项文字，在无障碍树里比较。
    """
    page, problems = open_page(browser, f"{site}/{widget_page}")
    controls = page.locator("div.lu-explore input[type=range], div.lu-explore select")
    assert controls.count() >= 1
    not_chinese = []
    for i in range(controls.count()):
        control = controls.nth(i)
        selector = f"#{css_id(control.get_attribute('id'))}"
        is_slider = control.get_attribute("type") == "range"
        tab_to(page, control)
        role, name, value = accessible_node(page, selector)
        assert role == ("slider" if is_slider else "combobox"), role
        assert name, f"{selector} 没有名称"
        if not CHINESE.search(name):
            not_chinese.append(name)
        announced, shown = control.evaluate(SHOWN_VALUE)
        if not is_slider:
            announced = value
        assert announced == shown, f"{selector} 读出的值 {announced!r} 与显示的 {shown!r} 不同"
        page.keyboard.press("ArrowRight" if is_slider else "ArrowDown")
        if control.evaluate(SHOWN_VALUE)[1] == shown:
            page.keyboard.press("ArrowLeft" if is_slider else "ArrowUp")
        moved, now_shown = control.evaluate(SHOWN_VALUE)
        if not is_slider:
            moved = accessible_node(page, selector)[2]
        assert now_shown != shown, f"{selector}：方向键没有改变控件"
        assert moved == now_shown, f"{selector}：拨动后读出的值 {moved!r}，显示的是 {now_shown!r}"
    page.close()
    assert not problems, problems
    assert not not_chinese, f"控件的名称不是中文：{not_chinese}"


def test_search_works_from_the_keyboard(browser, site):
    page, problems = open_page(browser, f"{site}/book/intro.html")
    button = page.locator(".search-button-field:visible").first
    tab_to(page, button)
    role, name, _ = accessible_node(page, ".search-button-field")
    assert role == "button" and "搜索" in name, (role, name)
    page.keyboard.press("Enter")
    field = page.locator("input[name=q]:visible").first
    field.wait_for(timeout=5_000)
    assert page.evaluate("() => document.activeElement.name") == "q", "打开搜索后焦点不在输入框里"
    page.keyboard.type("反向传播")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li a", timeout=20_000)
    links = page.eval_on_selector_all("#search-results li a", "els => els.map(a => a.href)")
    assert any("3-1-feedforward-backprop" in link for link in links), links
    page.close()
    assert not problems, problems
