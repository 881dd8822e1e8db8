// 无障碍：给主题与扩展在浏览器里插入的控件补上中文的可访问名称（读屏软件念的名称）。
// 由 book_tools.sphinx_ext.accessibility 加进每一页；检查见 tests/book/test_accessibility.py。
(function () {
  "use strict";

  // 主题模板里没有翻译的英文名称（aria-label、title、提示框与输入框的占位文字）
  var CHINESE = {
    "Color mode": "配色",
    "System Settings": "跟随系统",
    "Light": "亮色",
    "Dark": "暗色",
    "Launch interactive content": "在线运行本页",
    "Launch on Colab": "在 Colab 中打开",
    "Download this page": "下载本页",
    "Download source file": "下载源文件",
    "Print to PDF": "打印成 PDF",
    "Source repositories": "源代码仓库",
    "Source repository": "源代码仓库",
    "Fullscreen mode": "全屏",
    "Toggle primary sidebar": "显示或隐藏全书目录",
    "Toggle secondary sidebar": "显示或隐藏本页目录",
    "Link to this heading": "链接到这个标题",
    "Link to this equation": "链接到这个公式",
    "Link to this definition": "链接到这个定义",
    "Link to this table": "链接到这个表",
    "Link to this image": "链接到这张图",
    "Link to this code": "链接到这段代码",
    "Search this book...": "在本书中搜索…",
    "Search the docs ...": "在本书中搜索…",
    "Main": "正文",
    "Page": "本页",
    "Section Navigation": "本章各节",
    "Site navigation": "全书目录",
    "Copy": "复制",
    "Copy to clipboard": "复制到剪贴板",
    "Back to top": "回到顶部",
  };
  var ATTRIBUTES = ["aria-label", "title", "placeholder", "data-bs-title", "data-bs-original-title"];

  function translate(root) {
    ATTRIBUTES.forEach(function (name) {
      root.querySelectorAll("[" + name + "]").forEach(function (el) {
        var chinese = CHINESE[el.getAttribute(name).trim()];
        if (chinese) el.setAttribute(name, chinese);
      });
    });
    root.querySelectorAll("svg title").forEach(function (title) {
      var chinese = CHINESE[title.textContent.trim()];
      if (chinese) title.textContent = chinese;
    });
  }

  function visibleText(el) {
    return (el.innerText || "").replace(/\s+/g, " ").trim();
  }

  // 侧栏目录里展开子目录的 <summary> 只有一个箭头图标：用它所在条目的标题命名
  function nameSummaries() {
    document.querySelectorAll("summary").forEach(function (summary) {
      if (summary.hasAttribute("aria-label") || summary.textContent.trim()) return;
      var item = summary.closest("li");
      var link = item && item.querySelector(":scope > a");
      var title = link ? link.textContent.replace(/\s+/g, " ").trim() : "";
      summary.setAttribute("aria-label", title ? title + "：子目录" : "子目录");
    });
  }

  // sphinx-togglebutton 的折叠按钮（解答、提示等）：名称是所在标题加上看得见的提示（点击展开/收起）
  function nameToggleButton(button) {
    var title = button.closest(".admonition-title");
    var text = "";
    if (title) {
      title.childNodes.forEach(function (node) {
        if (node !== button) text += node.textContent;
      });
    }
    text = text.replace(/\s+/g, " ").trim() || "折叠的内容";
    var label = text + "：" + (button.dataset.toggleHint || "点击展开");
    if (button.getAttribute("aria-label") !== label) button.setAttribute("aria-label", label);
  }

  function nameToggleButtons() {
    document.querySelectorAll("button.toggle-button").forEach(function (button) {
      nameToggleButton(button);
      new MutationObserver(function () {
        nameToggleButton(button);
      }).observe(button, { attributes: true, attributeFilter: ["data-toggle-hint"] });
    });
  }

  // 搜索按钮：aria-label 只有“搜索”，看得见的却是“搜索 Ctrl+K”；有可见文字时名称就取自文字
  function nameSearchButtons() {
    document.querySelectorAll(".search-button-field").forEach(function (button) {
      button.setAttribute("aria-keyshortcuts", "Control+K");
      if (visibleText(button)) button.removeAttribute("aria-label");
    });
  }

  // 配色按钮：名称说出当前的配色（与看得见的图标一致），切换后随之更新
  function nameThemeButtons() {
    document.querySelectorAll(".theme-switch-button").forEach(function (button) {
      var shown = Array.prototype.filter.call(button.querySelectorAll(".theme-switch"), function (icon) {
        return icon.getClientRects().length > 0;
      })[0];
      var current = shown ? shown.getAttribute("title") || (shown.querySelector("title") || {}).textContent : "";
      button.setAttribute("aria-label", current ? "配色：" + current : "配色");
    });
  }

  function run() {
    translate(document);
    nameSummaries();
    nameToggleButtons();
    nameSearchButtons();
    nameThemeButtons();
    new MutationObserver(nameThemeButtons).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-mode", "data-theme"],
    });
  }

  // 在主题与 togglebutton 自己的 DOMContentLoaded 处理之后运行（它们先注册）
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setTimeout(run, 0);
    });
  } else {
    setTimeout(run, 0);
  }
})();
