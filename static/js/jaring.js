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

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) quickExit(event);
    lastEscape = now;
  });
})();
