"""Text in another language than the page keeps its own direction, in Chromium.

English shown inside an Arabic page (a lesson or course not yet translated) reads
left to right and starts at the left; Arabic inside an English page (a session held
in Arabic, seen by an English-speaking facilitator) reads right to left; what the
site itself says (notes, quiz instructions) stays in the reader's language and
direction.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from courses.people.models import Role
from tests.browser import ARABIC_MODULE, sign_in_page
from tests.conftest import FIXTURES
from tests.factories import staff_in

pytestmark = [pytest.mark.browser, pytest.mark.server]
PASSWORD = "correct horse battery"
EXTRA = "/courses/sample-course/extra-reading"
QUESTIONS = "/courses/sample-course/more-questions"
ENGLISH_ONLY_QUIZ = """---
title: More questions
---
Dewi reads a job advert.

:::quiz
1. Must Dewi pay the agent to get the job? {#pay}
   - [ ] Yes, that is normal.
   - [x] No, employers pay.
   > Workers should not pay for a job.
:::
"""


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The browser tests' tree plus a module with a quiz only in English."""
    tree = tmp_path_factory.mktemp("content") / "content"
    shutil.copytree(FIXTURES / "content", tree)
    course = tree / "sample-course"
    (course / "01-first-steps.ar.md").write_text(ARABIC_MODULE, encoding="utf-8")
    (course / "03-more-questions.en.md").write_text(ENGLISH_ONLY_QUIZ, encoding="utf-8")
    return tree


# Direction, alignment and where the first character really sits in its box.
LAYOUT = """(selector) => {
  const el = document.querySelector(selector);
  const style = getComputedStyle(el);
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  while (node && !node.nodeValue.trim()) node = walker.nextNode();
  const range = document.createRange();
  const at = node.nodeValue.search(/\\S/);
  range.setStart(node, at);
  range.setEnd(node, at + 1);
  const box = el.getBoundingClientRect(), first = range.getBoundingClientRect();
  return {
    direction: style.direction, align: style.textAlign, lang: el.closest("[lang]").lang,
    fromLeft: first.left - box.left, fromRight: box.right - first.right,
  };
}"""


def page_in(browser, base_url, language: str):
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 360, "height": 640},
        extra_http_headers={"Accept-Language": language},
    )
    context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    return context, context.new_page()


def reads_left_to_right(layout: dict) -> bool:
    return layout["direction"] == "ltr" and layout["fromLeft"] < layout["fromRight"]


def reads_right_to_left(layout: dict) -> bool:
    return layout["direction"] == "rtl" and layout["fromRight"] < layout["fromLeft"]


def test_english_fallback_in_an_arabic_page_reads_left_to_right(browser, base_url):
    context, page = page_in(browser, base_url, "ar")
    page.goto("/courses/")
    card = page.evaluate(LAYOUT, ".card p")
    assert card["lang"] == "en" and reads_left_to_right(card)  # the summary
    page.goto(EXTRA)
    lesson = page.evaluate(LAYOUT, "article .lesson p")
    assert lesson["lang"] == "en" and reads_left_to_right(lesson)
    note = page.evaluate(LAYOUT, "article .notice")
    assert note["lang"] == "ar" and reads_right_to_left(note)  # the site's own note
    where = page.evaluate(LAYOUT, "main > p.meta a span")
    assert where["lang"] == "en" and where["direction"] == "ltr"  # the course's name
    context.close()


def test_an_english_quiz_in_an_arabic_page_keeps_the_sites_words_arabic(
    browser, base_url
):
    context, page = page_in(browser, base_url, "ar")
    page.goto(QUESTIONS)
    legend = page.evaluate(LAYOUT, "#quiz legend")
    assert legend["lang"] == "en" and reads_left_to_right(legend)
    heading = page.evaluate(LAYOUT, "#quiz-title")
    assert heading["lang"] == "ar" and reads_right_to_left(heading)
    context.close()


def test_arabic_in_an_english_page_reads_right_to_left(
    browser, base_url, database_file
):
    staff_in(database_file, "mentor", PASSWORD, Role.FACILITATOR, "NGO")
    context, _blank = page_in(browser, base_url, "en")
    page = sign_in_page(context, "mentor", PASSWORD)
    page.goto("/sessions/new")
    page.fill("#title", "Kelas bahasa Arab")
    page.select_option("#language", "ar")
    page.check("input[name=items][value=sample-course]")
    page.click("main form button.primary")
    page.wait_for_url(re.compile(r"/sessions/[\w-]{16}$"))
    page.goto(page.url + "/present")
    title = page.evaluate(LAYOUT, "main li a span[lang=ar]")
    assert reads_right_to_left(title)
    page.click("main li a")
    slide = page.evaluate(LAYOUT, ".present h1")
    assert slide["lang"] == "ar" and reads_right_to_left(slide)
    where = page.evaluate(LAYOUT, ".present-where")
    assert where["lang"] == "en" and reads_left_to_right(where)
    context.close()
