"""无障碍：修正主题与扩展生成的网页里读屏软件、键盘用户会遇到的问题（axe-core 在每页上的检查见
tests/book/test_accessibility.py）。

构建时改写正文 HTML 的两处：

1. myst-nb 折叠代码（hide-input）的 ``<summary aria-label="Toggle hidden content">``：英文的
   aria-label 盖过了看得见的“显示代码/隐藏代码”，读屏软件念的与看到的不一致（WCAG 2.5.3）。去掉它，
   名称就取自看得见的文字。
2. docutils 把文献列表写成 ``<div role="list">`` 套 ``role="doc-biblioentry"``：这个角色已被 ARIA
   弃用，列表里于是没有列表项（axe 的 critical 问题 aria-required-children）。改成 ``listitem``。

主题模板与运行时才插入的控件（sphinx-togglebutton 的按钮、侧栏目录的展开按钮、搜索与配色按钮、
英文的 aria-label）由 static/a11y.js 在浏览器里补上中文名称；static/a11y.css 修颜色对比度、
焦点轮廓与手机宽度下的排版。
"""

from pathlib import Path

STATIC = Path(__file__).parent / "static"

BODY_FIXES = (
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
    ('role="doc-biblioentry"', 'role="listitem"'),
)


def fix_body(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        for old, new in BODY_FIXES:
            body = body.replace(old, new)
        context["body"] = body


def add_static_path(app, config):
    config.html_static_path.append(str(STATIC))


def setup(app):
    app.connect("config-inited", add_static_path)
    app.add_css_file("a11y.css")
    app.add_js_file("a11y.js", defer="defer")
    app.connect("html-page-context", fix_body)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
