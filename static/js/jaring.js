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

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) quickExit(event);
    lastEscape = now;
  });
})();
