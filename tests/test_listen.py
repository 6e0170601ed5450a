"""Listen: the device's own voice reads a lesson aloud, in a real Chromium.

Speech synthesis is replaced by a stand-in that records what it is asked to say (a
test machine has no voices), so the tests see the sentences, their language, the
highlight, pause and resume, the quick exit stopping speech, and the control staying
hidden when there is no voice for the language or no speech synthesis at all.
"""

from __future__ import annotations

import pytest

from tests.browser import EXIT_URL, MODULE, Watch

pytestmark = [pytest.mark.browser, pytest.mark.server]

# A stand-in for window.speechSynthesis with voices for `languages`. Utterances end
# by themselves unless window.holdSpeech is set, so reading moves sentence by sentence.
STAND_IN = """(languages) => {
  const log = { spoken: [], cancelled: 0, paused: false };
  window.speechLog = log;
  const synth = {
    getVoices: () => languages.map((lang) => ({ lang, name: lang, voiceURI: lang })),
    speak(utterance) {
      log.spoken.push({ text: utterance.text, lang: utterance.lang });
      if (!window.holdSpeech) setTimeout(() => utterance.onend && utterance.onend(), 5);
    },
    cancel() {
      log.cancelled += 1;
      if (window.reportCancel) navigator.sendBeacon("/speech-cancelled");
    },
    pause() { log.paused = true; },
    resume() { log.paused = false; },
    addEventListener() {},
  };
  Object.defineProperty(
    window, "speechSynthesis", { get: () => synth, configurable: true });
}"""
NO_SPEECH = """() => {
  Object.defineProperty(
    window, "speechSynthesis", { get: () => undefined, configurable: true });
}"""


def lesson_page(browser, base_url, language: str, script: str, *args):
    context = browser.new_context(
        base_url=base_url, extra_http_headers={"Accept-Language": language}
    )
    context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    arguments = ", ".join(repr(a) for a in args)
    context.add_init_script(f"({script})({arguments})")
    page = context.new_page()
    page.watch = Watch(page, base_url)
    page.goto(MODULE)
    return context, page


def test_listen_reads_the_lesson_sentence_by_sentence_in_its_language(
    browser, base_url
):
    context, page = lesson_page(browser, base_url, "id", STAND_IN, ["id-ID"])
    play = page.locator("[data-listen-action=play]")
    assert play.is_visible()
    play.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.speechLog.spoken.length > 8")
    spoken = page.evaluate("window.speechLog.spoken")
    assert spoken[0] == {"text": "Langkah pertama", "lang": "id"}
    texts = [s["text"] for s in spoken]
    assert "Ayu mendapat pesan tentang pekerjaan di luar negeri." in texts
    assert not any("belum tersedia" in t or "Dengar" in t for t in texts)
    assert page.watch.console_errors == []
    context.close()


def test_the_sentence_being_read_is_highlighted_and_pause_resumes(browser, base_url):
    context, page = lesson_page(browser, base_url, "id", STAND_IN, ["id-ID"])
    page.evaluate("() => { window.holdSpeech = true; }")
    page.click("[data-listen-action=play]")
    highlighted = page.evaluate("() => [...CSS.highlights.get('listen')][0].toString()")
    assert highlighted == "Langkah pertama"
    assert page.evaluate("document.activeElement.dataset.listenAction") == "pause"
    page.keyboard.press("Enter")  # pause, from the keyboard
    assert page.evaluate("window.speechLog.paused") is True
    assert page.locator("[data-listen-action=resume]").is_visible()
    assert page.inner_text("[data-listen-status]") == "Dijeda"
    page.keyboard.press("Enter")  # resume
    assert page.evaluate("window.speechLog.paused") is False
    page.click("[data-listen-action=stop]")
    assert page.evaluate("() => CSS.highlights.has('listen')") is False
    assert page.locator("[data-listen-action=play]").is_visible()
    context.close()


def test_the_quick_exit_stops_speech_at_once(browser, base_url):
    context, page = lesson_page(browser, base_url, "id", STAND_IN, ["id-ID"])
    page.evaluate("() => { window.holdSpeech = true; }")
    page.click("[data-listen-action=play]")
    page.evaluate("() => { window.reportCancel = true; }")
    with page.expect_request(lambda r: r.url.endswith("/speech-cancelled")):
        page.click("[data-quick-exit]")
    page.wait_for_url(EXIT_URL)
    context.close()


@pytest.mark.parametrize(
    ("script", "args"), [(STAND_IN, (["en-US", "vi-VN"],)), (NO_SPEECH, ())]
)
def test_no_voice_for_the_language_no_control_and_no_error(
    browser, base_url, script, args
):
    context, page = lesson_page(browser, base_url, "id", script, *args)
    assert page.locator("[data-listen]").is_hidden()
    page.click("[data-quick-exit]")  # the quick exit still works without speech
    page.wait_for_url(EXIT_URL)
    assert page.watch.console_errors == []
    context.close()
