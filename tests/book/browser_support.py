"""真浏览器测试（test_browser.py、test_accessibility.py）共用的东西：构建好的书、本机的网页服务、chromium。

每个测试模块用这里的上下文管理器定义自己的 module 级 fixture（一个模块一个浏览器）。
"""

import contextlib
import functools
import http.server
import threading
from pathlib import Path

import pytest
from conftest import ROOT

HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "browser"
CHROMIUM = "/usr/bin/chromium"


def built_pages():
    if not (HTML / "index.html").exists():
        pytest.fail("没有找到 _build/html：先运行 make book（make test 会自动先构建）")
    return sorted(p.relative_to(HTML).as_posix() for p in (HTML / "book").rglob("*.html"))


@contextlib.contextmanager
def serve_book():
    """在本机的随机端口上提供 _build/html；产出根地址。"""

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextlib.contextmanager
def launch_chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"没有找到 {CHROMIUM}：安装 Debian 的 chromium 包（.ci/run 会安装）")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        try:
            yield browser
        finally:
            browser.close()


def watch_offline(page, problems):
    """拦截一切非本机请求，并把控制台错误、脚本异常、失败的请求记进 problems。"""

    def route(request_route):
        if request_route.request.url.startswith("http://127.0.0.1"):
            request_route.continue_()
        else:
            problems.append(f"访问外部地址 {request_route.request.url}")
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and problems.append(f"控制台错误：{m.text}"))
    page.on("pageerror", lambda e: problems.append(f"脚本异常：{e}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and problems.append(f"请求失败 {r.status}：{r.url}"),
    )


def open_page(browser, url, width=1280, height=900):
    """打开一页，拦截一切非本机请求；返回 (page, 问题列表)。"""
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = []
    watch_offline(page, problems)
    page.goto(url, wait_until="networkidle")
    return page, problems
