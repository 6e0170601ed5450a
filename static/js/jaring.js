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

  // Listen: the device's own voice reads the lesson aloud, sentence by sentence, with
  // the sentence being read highlighted. Nothing is fetched; without speech synthesis,
  // or without a voice for the lesson's language, the control stays hidden.
  var SENTENCE = /[^.!?\u061F\u3002]+[.!?\u061F\u3002]*["'\u201D\u2019)]*\s*/g;
  var BLOCKS = "h1, h2, h3, h4, p, li, dt, dd, td, th, figcaption, blockquote";
  var listen = { box: null, parts: [], index: 0, run: 0 };

  function speechAvailable() {
    try {
      return !!(window.speechSynthesis && window.SpeechSynthesisUtterance);
    } catch (error) {
      return false;
    }
  }

  function voiceFor(lang) {
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      var code = String(voices[i].lang || "").toLowerCase().split(/[-_]/)[0];
      if (code === lang) return voices[i];
    }
    return null;
  }

  // The lesson's text as sentences, each with the DOM range it covers.
  function sentencesOf(root) {
    var groups = [];
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        if (!parent || parent.closest("[data-listen-skip], [popover], script, style")) {
          return NodeFilter.FILTER_REJECT;
        }
        return node.nodeValue.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP;
      }
    });
    var node, last = null;
    while ((node = walker.nextNode())) {
      var block = node.parentElement.closest(BLOCKS) || root;
      if (!last || last.block !== block) {
        last = { block: block, nodes: [], text: "" };
        groups.push(last);
      }
      last.nodes.push({ node: node, start: last.text.length });
      last.text += node.nodeValue;
    }
    var parts = [];
    groups.forEach(function (group) {
      var match;
      SENTENCE.lastIndex = 0;
      while ((match = SENTENCE.exec(group.text))) {
        if (!match[0].trim()) continue;
        parts.push({
          text: match[0].trim(),
          range: rangeOf(group, match.index, match.index + match[0].trimEnd().length)
        });
      }
    });
    return parts;
  }

  function rangeOf(group, start, end) {
    var range = document.createRange();
    function place(offset, setter) {
      for (var i = group.nodes.length - 1; i >= 0; i--) {
        if (group.nodes[i].start <= offset) {
          var piece = group.nodes[i];
          range[setter](piece.node, Math.min(offset - piece.start, piece.node.nodeValue.length));
          return;
        }
      }
    }
    place(start, "setStart");
    place(end, "setEnd");
    return range;
  }

  function highlight(range) {
    if (!(window.CSS && CSS.highlights && window.Highlight)) return;
    if (range) CSS.highlights.set("listen", new Highlight(range));
    else CSS.highlights.delete("listen");
    if (range) {
      var box = range.getBoundingClientRect();
      if (box.top < 60 || box.bottom > window.innerHeight) {
        window.scrollBy({ top: box.top - window.innerHeight / 3, behavior: "smooth" });
      }
    }
  }

  function showControls(state) {
    var box = listen.box;
    var shown = { idle: ["play"], reading: ["pause", "stop"], paused: ["resume", "stop"] }[state];
    var buttons = box.querySelectorAll("[data-listen-action]");
    var focusWasHere = box.contains(document.activeElement);
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = shown.indexOf(buttons[i].getAttribute("data-listen-action")) < 0;
    }
    if (focusWasHere) box.querySelector("[data-listen-action='" + shown[0] + "']").focus();
    var status = box.querySelector("[data-listen-status]");
    var said = { idle: "stopped", reading: "reading", paused: "paused" }[state];
    if (status) status.textContent = status.getAttribute("data-" + said) || "";
  }

  function speakFrom(index, run) {
    if (run !== listen.run) return;
    if (index >= listen.parts.length) {
      stopReading();
      return;
    }
    listen.index = index;
    var part = listen.parts[index];
    var lang = listen.box.getAttribute("data-listen-lang");
    var utterance = new window.SpeechSynthesisUtterance(part.text);
    utterance.lang = lang;
    try {
      utterance.voice = voiceFor(lang);
    } catch (error) {
      /* the language alone chooses a voice */
    }
    utterance.onend = function () {
      speakFrom(index + 1, run);
    };
    utterance.onerror = function () {
      if (run === listen.run) stopReading();
    };
    highlight(part.range);
    window.speechSynthesis.speak(utterance);
  }

  function stopReading() {
    listen.run += 1;
    try {
      window.speechSynthesis.cancel();
    } catch (error) {
      /* nothing was being read */
    }
    highlight(null);
    if (listen.box) showControls("idle");
  }

  function setUpListen() {
    var box = document.querySelector("[data-listen]");
    if (!box || !speechAvailable()) return;
    listen.box = box;
    var lang = box.getAttribute("data-listen-lang");
    function offer() {
      if (voiceFor(lang)) box.hidden = false;
    }
    offer();
    if (window.speechSynthesis.addEventListener) {
      window.speechSynthesis.addEventListener("voiceschanged", offer);
    }
    box.addEventListener("click", function (event) {
      var button = event.target.closest("[data-listen-action]");
      if (!button) return;
      var action = button.getAttribute("data-listen-action");
      if (action === "play") {
        stopReading();
        listen.parts = sentencesOf(box.closest("article") || document.body);
        showControls("reading");
        speakFrom(0, listen.run);
      } else if (action === "pause") {
        window.speechSynthesis.pause();
        showControls("paused");
      } else if (action === "resume") {
        window.speechSynthesis.resume();
        showControls("reading");
      } else {
        stopReading();
      }
    });
    window.addEventListener("pagehide", stopReading);
  }
  setUpListen();

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 1000) quickExit(event);
    lastEscape = now;
  });
})();
