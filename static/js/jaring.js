/* Jaring: quick exit (click, or Escape twice). No storage, no tracking, no eval. */
(function () {
  "use strict";
  var lastEscape = 0;

  function quickExit(event) {
    var link = document.querySelector("a[data-quick-exit]");
    if (!link) return;
    if (event) event.preventDefault();
    document.title = "";
    document.body.innerHTML = "";
    // replace(): the page being left does not stay in the Back history.
    window.location.replace(link.href);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("a[data-quick-exit]")) {
      quickExit(event);
    }
  });

  // htmx 2 writes the current path to sessionStorage on load, whatever its config says;
  // a page's address is a trace on a shared or watched phone, so it is removed at once.
  function forgetHistory() {
    try {
      window.sessionStorage.removeItem("htmx-current-path-for-history");
      window.sessionStorage.removeItem("htmx-history-cache");
    } catch (error) {
      /* storage disabled: nothing was kept */
    }
  }
  forgetHistory();
  document.addEventListener("htmx:afterSettle", forgetHistory);

  // Projector view: arrow keys (or Page Up/Down, as presentation clickers send) move
  // between parts, except while typing a number of raised hands.
  document.addEventListener("keydown", function (event) {
    if (!document.querySelector("[data-present]")) return;
    var tag = event.target && event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
    var forward = event.key === "ArrowRight" || event.key === "PageDown";
    var back = event.key === "ArrowLeft" || event.key === "PageUp";
    if (document.documentElement.dir === "rtl") {
      forward = event.key === "ArrowLeft" || event.key === "PageDown";
      back = event.key === "ArrowRight" || event.key === "PageUp";
    }
    if (!forward && !back) return;
    var link = document.querySelector(forward ? "a[rel=next]" : "a[rel=prev]");
    if (link) window.location.assign(link.href);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) quickExit(event);
    lastEscape = now;
  });
})();
