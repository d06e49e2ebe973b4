// Runs first on every page (a classic script, so even browsers without ES modules run it).
// It makes sure nobody is left looking at a silent page: if the page's module never reports that it
// started (old browser, script blocked, very slow network), or a script fails, a banner says so.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var modules = "noModule" in document.createElement("script");

  function banner(text, kind) {
    var el = document.getElementById("page-banner");
    if (!el) return;
    el.className = "banner " + (kind === "error" ? "banner-error" : "banner-warn");
    el.textContent = text + " ";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "secondary";
    again.textContent = "重新加载";
    again.addEventListener("click", function () { location.reload(); });
    el.appendChild(again);
    el.hidden = false;
  }
  window.yideBanner = banner;

  document.addEventListener("DOMContentLoaded", function () {
    if (!document.body.hasAttribute("data-needs-js")) return;
    if (!modules) {
      banner("您的浏览器版本过旧，无法在本机签名。请使用较新的手机浏览器或微信内置浏览器打开本页。", "error");
      return;
    }
    setTimeout(function () {
      if (root.getAttribute("data-ready") !== "1") {
        banner("页面脚本仍在加载，网络可能较慢。请稍候，或检查网络后重新加载。", "warn");
      }
    }, 8000);
  });
  window.addEventListener("error", function (event) {
    if (event && event.target && event.target.tagName === "SCRIPT") {
      banner("页面脚本加载失败，请检查网络后重新加载。", "error");
    }
  }, true);
  window.addEventListener("unhandledrejection", function () {
    banner("页面出现意外错误，请重新加载后再试。", "error");
  });
})();
