// 在 ipywidgets 的 HTML 管理器（embed-amd.js）之前运行，修两处离线网页里的问题：
//
// 1. 管理器按 RequireJS 模块 "@jupyter-widgets/html-manager/dist/…" 的地址推算字体等资源的位置；
//    不配置的话这个地址相对于页面本身，图标字体在每一页都是 404。这里把它指向书自带的 html-manager 目录
//    （由本文件自己的地址推出，书放在任何子路径下都对）。
// 2. ipywidgets 8 仍用 MathJax 2 的 MathJax.Hub.Queue 给控件标签排版；本书用 MathJax 3，没有 Hub，
//    每个控件都会抛出“reading 'Queue'”。这里补一个只转交给 MathJax 3 typesetPromise 的小接口。
(function () {
  var here = document.currentScript.src;
  var base = here.slice(0, here.lastIndexOf("/") + 1) + "html-manager";
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": base } });

  var hub = {
    Queue: function (job) {
      var mathjax = window.MathJax;
      var element = job && job[2];
      if (mathjax && mathjax.typesetPromise) {
        mathjax.typesetPromise(element ? [element] : undefined).catch(function () {});
      }
    },
  };
  function attach() {
    if (window.MathJax && !window.MathJax.Hub) {
      window.MathJax.Hub = hub;
    }
  }
  attach(); // MathJax 3 还没加载完时，window.MathJax 是它的配置对象
  document.addEventListener("DOMContentLoaded", attach);
  window.addEventListener("load", attach); // 加载完后 MathJax 3 换成了新对象，再挂一次
})();
