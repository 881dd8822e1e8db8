"""两处 Jupyter Book 1 默认配置在浏览器里的报错，由 make test 的真浏览器测试发现：

1. sphinx-thebe 的配置脚本（``const THEBE_JS_URL = …``）被插入两次，第二次抛出
   “Identifier 'THEBE_JS_URL' has already been declared”。这里按内容去掉重复的内联脚本。
2. pydata-sphinx-theme 的页面模板把 ``<html data-default-mode="">`` 留空（sphinx-book-theme
   不提供 ``default_mode`` 选项），脚本随即往控制台报“Got invalid theme mode: .”。
   这里在渲染每页时把它设为 auto（跟随系统的亮/暗色），与脚本自己的回退值相同。
"""


def fix_page_context(app, pagename, templatename, context, doctree):
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    seen, kept = set(), []
    for script in context.get("script_files", []):
        body = getattr(script, "attributes", {}).get("body")
        if body:
            if body in seen:
                continue
            seen.add(body)
        kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", fix_page_context, priority=900)  # 在主题设好上下文之后
    return {"parallel_read_safe": True, "parallel_write_safe": True}
