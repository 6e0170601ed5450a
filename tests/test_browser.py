"""A real browser (Debian's Chromium via Playwright) on a live server: a learner's day.

Checks what only a browser can: htmx swaps the quiz in place with its CSRF header, the
quick exit leaves no Back-button trail, nothing is requested from another host, nothing
is kept in browser storage, no CSP violation (a console error) or dialog happens, and
Arabic lays out right to left.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from tests.browser import EXIT_URL, MODULE, sign_in_page
from tests.factories import class_session_in, staff_in

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_quiz_is_graded_in_place_with_htmx(page):
    page.goto(MODULE)
    page.evaluate("window.stillHere = true")  # lost if the page reloads
    page.check("input[name='q.fee'][value='b']")
    page.check("input[name='q.2'][value='a']")
    page.check("input[name='q.2'][value='b']")
    page.check("input[name='q.3'][value='b']")
    page.click("#quiz button[type=submit]")
    page.wait_for_selector(".result.pass")
    assert "3 of 3" in page.inner_text(".result")
    assert page.evaluate("window.stillHere") is True
    assert "Workers should not pay for a job." in page.inner_text("#quiz")
    config = page.evaluate(
        "[htmx.config.selfRequestsOnly, htmx.config.allowEval, "
        "htmx.config.allowScriptTags, htmx.config.historyCacheSize]"
    )
    assert config == [True, False, False, 0]
    page.click("text=Try again")
    page.wait_for_selector("#quiz button[type=submit]")
    assert page.evaluate("window.stillHere") is True
    assert page.watch.console_errors == [] and page.watch.dialogs == []


def test_a_first_visit_is_styled_by_the_page_itself_and_the_next_by_the_cache(page):
    page.goto(MODULE)
    sheets = "[...document.styleSheets].map(s => s.ownerNode.tagName)"
    assert page.evaluate(sheets) == ["STYLE"]  # allowed by its hash: no CSP error
    brand = "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    assert page.evaluate(brand) == "rgb(11, 110, 79)"
    page.wait_for_load_state("networkidle")  # the prefetch of the stylesheet
    page.click(".site-footer a[href$='/privacy']")
    page.wait_for_load_state("load")
    assert page.evaluate(sheets) == ["LINK"]
    assert page.evaluate(brand) == "rgb(11, 110, 79)"
    assert page.watch.console_errors == [] and page.watch.dialogs == []


def test_a_missing_answer_is_shown_in_place_and_keeps_the_ticks(page):
    page.goto(MODULE)
    page.check("input[name='q.fee'][value='b']")
    page.click("#quiz button[type=submit]")
    page.wait_for_selector("[aria-invalid=true]")
    assert page.is_checked("input[name='q.fee'][value='b']")


def test_quick_exit_leaves_no_back_button_trail(page):
    page.goto("/courses/")
    page.goto(MODULE)
    page.click("[data-quick-exit]")
    page.wait_for_url(EXIT_URL)
    page.go_back()
    assert page.url.endswith("/courses/")  # back skips the module that was open


def test_quick_exit_signs_the_learner_out_so_back_shows_nothing_of_theirs(
    page, database_file
):
    join_class(page, class_session_in(database_file, "QXSGNT"), "Wulan")
    page.goto("/courses/")
    page.goto(MODULE)
    with page.expect_request(lambda r: r.url.endswith("/leave")) as beacon:
        page.click("[data-quick-exit]")
    page.wait_for_url(EXIT_URL)
    assert beacon.value.method == "POST"
    signed_out_by_the_beacon(page)
    page.go_back()
    assert page.url.endswith("/courses/")
    assert page.locator("text=Join a class").count() == 1
    assert page.locator("text=My progress").count() == 0
    page.goto("/me/")
    assert urlsplit(page.url).path == "/start"  # asked to join or sign in again


def signed_out_by_the_beacon(page, seconds: float = 5.0) -> None:
    """Wait until the server has handled the beacon (it is sent in the background,
    and a person takes longer than that to press Back)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = page.context.request.get("/me/", max_redirects=0)
        if answer.status == 302:
            return
        time.sleep(0.05)
    raise AssertionError("the quick exit's beacon did not sign the learner out")


def test_escape_twice_is_a_quick_exit(page):
    page.goto(MODULE)
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(EXIT_URL)


def test_quick_exit_stays_in_view_on_a_long_page(page):
    page.goto(MODULE)
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(100)
    box = page.locator("[data-quick-exit]").bounding_box()
    assert box is not None and 0 <= box["y"] < 844


def join_class(page, code: str, name: str) -> str:
    """Join a class through the form; return the personal code shown."""
    page.goto("/join")
    page.fill("#join_code", code.lower())
    page.fill("#display_name", name)
    page.click("button[type=submit]")
    return page.inner_text(".personal-code")


def test_after_grading_the_focus_is_on_the_result(page):
    page.goto(MODULE)
    page.check("input[name='q.fee'][value='b']")
    page.check("input[name='q.2'][value='a']")
    page.check("input[name='q.3'][value='a']")
    page.click("#quiz button[type=submit]")
    page.wait_for_selector("#quiz .result")
    page.wait_for_function("document.activeElement.classList.contains('result')")
    assert "of 3" in page.evaluate("document.activeElement.textContent")


def test_enter_on_an_option_chooses_it_and_sends_nothing(page):
    page.goto(MODULE)
    sent = []
    page.on("request", lambda r: r.method == "POST" and sent.append(r.url))
    page.focus("input[name='q.fee'][value='b']")
    page.keyboard.press("Enter")
    page.focus("input[name='q.2'][value='a']")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert sent == []
    assert page.is_checked("input[name='q.fee'][value='b']")
    assert page.is_checked("input[name='q.2'][value='a']")
    assert page.locator("#quiz .result, #quiz [aria-invalid=true]").count() == 0


def test_join_and_progress_journey(page, database_file):
    code = class_session_in(database_file, "KRBDTS")
    personal = join_class(page, code, "Ayu")
    assert len(personal.replace("-", "")) == 10
    page.goto(MODULE)
    for name, value in (("q.fee", "b"), ("q.2", "a"), ("q.2", "b"), ("q.3", "b")):
        page.check(f"input[name='{name}'][value='{value}']")
    page.click("#quiz button[type=submit]")
    page.wait_for_selector(".result.pass")
    page.goto("/courses/sample-course/")
    assert "Completed" in page.inner_text("main")
    storage = page.evaluate(
        "[localStorage.length, sessionStorage.length, document.cookie]"
    )
    assert storage == [0, 0, ""]  # cookies are HttpOnly; nothing in web storage
    cookies = page.context.cookies()
    assert all(c["expires"] == -1 for c in cookies if c["name"] == "session")
    assert page.watch.hosts == {page.watch.own_host}
    assert page.watch.console_errors == [] and page.watch.dialogs == []


def test_arabic_lays_out_right_to_left(browser, base_url):
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        extra_http_headers={"Accept-Language": "ar"},
    )
    page = context.new_page()
    page.goto("/courses/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    brand = page.locator(".brand").bounding_box()
    exit_button = page.locator("[data-quick-exit]").bounding_box()
    assert brand["x"] > 390 / 2  # navigation starts on the right
    assert exit_button["x"] < 390 / 2  # the quick exit sits at the inline end: left
    context.close()


def test_live_preview_updates_as_the_editor_types(browser, base_url, database_file):
    staff_in(database_file, "redaktur", "correct horse battery")
    context = browser.new_context(
        base_url=base_url, extra_http_headers={"Accept-Language": "en"}
    )
    page = sign_in_page(context, "redaktur", "correct horse battery")
    page.goto("/editor/preview?module=sample-course/first-steps&lang=en")
    assert "No problems found." in page.inner_text("#preview-result")
    page.fill("#text", "---\ntitle: Draft\n---\nCall 0812 3456 7890 today.\n")
    page.wait_for_selector("#preview-result .problems")
    assert "looks like a phone number" in page.inner_text("#preview-result")
    assert "Draft" in page.inner_text("#preview-result h1")
    context.close()


def test_line_numbers_follow_the_text_and_problems_lead_to_their_line(
    browser, base_url, database_file
):
    staff_in(database_file, "penulis", "correct horse battery")
    context = browser.new_context(
        base_url=base_url, extra_http_headers={"Accept-Language": "en"}
    )
    page = sign_in_page(context, "penulis", "correct horse battery")
    page.goto("/editor/preview?module=sample-course/first-steps&lang=en")
    lines = ["---", "title: Draft", "---", *[f"Line {n}." for n in range(4, 40)],
             ":::quiz", "1. A question?", "   -[ ] yes", "   - [x] no", "   > Why.",
             ":::"]  # fmt: skip
    page.fill("#text", "\n".join(lines))
    numbers = page.inner_text("[data-line-numbers]").split()
    assert numbers[0] == "1" and numbers[-1] == str(len(lines))
    page.wait_for_selector("#preview-result a[data-line='42']")
    page.click("#preview-result a[data-line='42']")
    selected = page.evaluate(
        "(() => { const box = document.getElementById('text');"
        " return box.value.slice(box.selectionStart, box.selectionEnd); })()"
    )
    assert selected == "   -[ ] yes"
    assert page.evaluate("document.activeElement.id") == "text"
    gutter_top = page.evaluate(
        "document.querySelector('[data-line-numbers]').scrollTop"
    )
    box_top = page.evaluate("document.getElementById('text').scrollTop")
    assert box_top > 0 and gutter_top == box_top  # the numbers scrolled with the text
    context.close()


def test_arabic_quiz_and_progress_read_right_to_left(browser, base_url, database_file):
    code = class_session_in(database_file, "RTXQZA")
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        extra_http_headers={"Accept-Language": "ar"},
    )
    page = context.new_page()
    page.goto("/join")
    page.fill("#join_code", code)
    page.fill("#display_name", "سارة")
    page.click("button[type=submit]")
    page.goto(MODULE)
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#quiz')).direction")
        == "rtl"
    )
    option = page.locator("#quiz label.option").first
    radio = option.locator("input").bounding_box()
    text = option.locator("span").first.bounding_box()
    assert radio["x"] > text["x"]  # the tick box is on the right, text runs leftwards
    page.check("input[name='q.fee'][value='b']")
    page.click("#quiz button[type=submit]")
    page.wait_for_selector("#quiz [aria-invalid=true]")  # message in place, in Arabic
    page.goto("/me/")
    bar = page.locator("progress").first
    assert bar.evaluate("el => getComputedStyle(el).direction") == "rtl"
    context.close()
