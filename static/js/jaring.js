/* Jaring: quick exit (click, or Escape twice). No storage, no tracking, no eval. */
(function () {
  "use strict";
  var lastEscape = 0;

  // Quick exit: sign out on this device (a beacon, so leaving is not delayed), stop
  // any speech, empty the page, and go to the neutral site without leaving this page
  // in the Back history. Without JavaScript the link signs out through the server.
  function quickExit(event) {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) return;
    if (event) event.preventDefault();
    try {
      if (window.speechSynthesis) window.speechSynthesis.cancel();
    } catch (error) {
      /* no speech to stop */
    }
    signOutHere(link.href);
    document.title = "";
    document.body.innerHTML = "";
    window.location.replace(link.getAttribute("data-quick-exit"));
  }

  function signOutHere(url) {
    try {
      var headers = JSON.parse(document.body.getAttribute("data-hx-headers") || "{}");
      var form = new FormData();
      form.append("csrf_token", headers["X-CSRFToken"] || "");
      if (navigator.sendBeacon) navigator.sendBeacon(url, form);
    } catch (error) {
      /* leaving matters more than signing out */
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-quick-exit]")) {
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

  // After htmx swaps the quiz in (graded, or refused with a message), move the focus
  // to what it says, so keyboard and screen-reader users are told at once.
  document.addEventListener("htmx:afterSettle", function (event) {
    var quiz = document.getElementById("quiz");
    if (!quiz || !quiz.contains(event.target) && event.target !== quiz) return;
    var said = quiz.querySelector(".error-message, .result");
    if (said) said.focus();
  });

  // Enter on a quiz option chooses it; it does not send an unfinished quiz.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target || !target.closest) return;
    if (!target.closest(".quiz") || target.tagName !== "INPUT") return;
    if (target.type !== "radio" && target.type !== "checkbox") return;
    event.preventDefault();
    if (!(target.type === "radio" && target.checked)) target.click();
  });

  // The editor's text box: line numbers that follow the text, and "line 12" links in
  // the list of problems that put the cursor on that line.
  function numberLines(box) {
    var gutter = box.parentElement.querySelector("[data-line-numbers]");
    if (!gutter) return;
    var count = box.value.split("\n").length;
    if (gutter.getAttribute("data-count") !== String(count)) {
      var numbers = [];
      for (var n = 1; n <= count; n++) numbers.push(n);
      gutter.textContent = numbers.join("\n") + "\n";
      gutter.setAttribute("data-count", String(count));
    }
    gutter.scrollTop = box.scrollTop;
  }

  function goToLine(box, line) {
    var lines = box.value.split("\n");
    var start = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) start += lines[i].length + 1;
    var end = start + (lines[line - 1] || "").length;
    box.focus();
    box.setSelectionRange(start, end);
    var height = parseFloat(getComputedStyle(box).lineHeight) || 20;
    box.scrollTop = Math.max(0, (line - 3) * height);
    numberLines(box);
  }

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "text") numberLines(event.target);
  });
  document.addEventListener(
    "scroll",
    function (event) {
      if (event.target && event.target.id === "text") numberLines(event.target);
    },
    true
  );
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest && event.target.closest("a[data-line]");
    var box = document.getElementById("text");
    if (!link || !box) return;
    event.preventDefault();
    goToLine(box, parseInt(link.getAttribute("data-line"), 10) || 1);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) quickExit(event);
    lastEscape = now;
  });
})();
