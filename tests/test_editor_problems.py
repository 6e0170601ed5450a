"""Editors see every problem at once, in their language, next to what does work.

The preview lists every quiz problem (not only the first) with its line, names the
common slips in writing an option, keeps showing the lesson and the questions that
are right, and numbers the lines of the text box. A translation file with errors is
"has errors" on the board (with its problems), opens as itself in the preview, and
learners are told nothing untrue about it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from courses.people.models import Role
from tests.conftest import FIXTURES, csrf_from
from tests.helpers import sign_in_staff

ID = "sample-course/01-first-steps.id.md"
MODULE = "/courses/sample-course/first-steps"

DRAFT = """---
title: Draft
---
A short lesson about a job offer.

:::quiz
1. Is a fee for a job normal? {#fee}
   - [ ] Yes
   - [X] No
   > Workers should not pay for a job.

2. Which are warning signs? {multiple}
   -[ ] A written contract
   - [x] The agent keeps your passport

3. True or false: every job online is real. {true-false}
   - [] True
   - [v] False
   > Scammers post online too.
:::
"""


def preview(client, text: str, language: str = "en", **form: str) -> str:
    token = csrf_from(client, "/editor/preview")
    response = client.post(
        "/editor/preview",
        data={"csrf_token": token, "text": text, "lang": "en", **form},
        headers={"HX-Request": "true", "Accept-Language": language},
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def listed(html: str) -> list[tuple[int, str]]:
    """Return the (line, message) pairs of the problem list, in order."""
    items = re.findall(
        r'<li><a href="#text" data-line="(\d+)">[^<]*</a>(?: <strong>[^<]*</strong>)?: '
        r"([^<]*)</li>",
        html,
    )
    return [(int(line), message) for line, message in items]


@pytest.fixture
def editor(app, client):
    sign_in_staff(app, client, Role.EDITOR)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_every_quiz_problem_is_listed_at_once_with_its_line(editor):
    problems = listed(preview(editor, DRAFT))
    assert problems == [
        (12, "question 2 needs an explanation (&#39;&gt; ...&#39;)"),
        (13, "put a space between &#39;-&#39; and &#39;[&#39;: &#39;- [ ] ...&#39;"),
        (17, "the box needs a space inside, &#39;- [ ]&#39;, or an x, &#39;- [x]&#39;"),
        (18, "mark a right option with the letter x: &#39;- [x] ...&#39;"),
    ]  # not "needs at least two options": the slips are what to fix


def test_the_preview_keeps_what_parses(editor):
    html = preview(editor, DRAFT)
    assert "<h1>Draft</h1>" in html and "A short lesson about a job offer." in html
    assert 'name="preview.q.fee"' in html  # question 1 is right: it is shown
    assert "which are warning signs" not in html.lower()  # the broken ones are not
    assert "must fix" in html and "learners do not get this file" in html


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("- [X] No", None),
        ("-[x] No", "put a space between"),
        ("- [] No", "the box needs a space inside"),
        ("- [ x] No", "with nothing else inside"),
        ("- [✓] No", "mark a right option with the letter x"),
        ("- [x]No", "put a space after the box"),
        ("- [x]", "this option has no text after its box"),
        ("[x] No", "start an option with a dash"),
        ("- (x) No", "use square brackets"),
    ],
)
def test_common_slips_in_an_option_are_named(editor, line, named):
    text = (
        "---\ntitle: T\n---\nLesson.\n\n:::quiz\n1. A fee is normal.\n"
        f"   - [ ] Yes\n   {line}\n   > Workers should not pay.\n:::\n"
    )
    problems = listed(preview(editor, text))
    if named is None:
        assert problems == []
    else:
        assert [line for line, message in problems if named in message] == [9]
        assert "needs at least two options" not in str(problems)


def test_a_question_number_touching_its_text_is_named(editor):
    text = (
        "---\ntitle: T\n---\nLesson.\n\n:::quiz\n1. A fee is normal.\n"
        "   - [ ] Yes\n   - [x] No\n   > Workers should not pay.\n"
        "2.Second question\n   - [x] Yes\n   - [ ] No\n   > Because.\n:::\n"
    )
    problems = listed(preview(editor, text))
    assert problems[0][0] == 11
    assert "put a space after the question" in problems[0][1]


def test_the_text_box_has_line_numbers(editor):
    page = editor.get("/editor/preview?module=sample-course/first-steps&lang=en")
    html = page.get_data(as_text=True)
    numbers = re.search(r"<pre class=\"line-numbers\"[^>]*>([^<]*)</pre>", html)
    text = (FIXTURES / "content" / "sample-course/01-first-steps.en.md").read_text()
    assert numbers is not None
    assert numbers.group(1).split() == [str(n) for n in range(1, text.count("\n") + 2)]


@pytest.fixture
def broken_translation(app_factory, tmp_path: Path):
    """An app whose Indonesian first module has a slip in its quiz."""
    tree = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", tree)
    path = tree / ID
    text = path.read_text(encoding="utf-8")
    slipped = text.replace("   - [ ] Hadiah", "   -[ ] Hadiah")
    assert slipped != text
    path.write_text(slipped, encoding="utf-8")
    return app_factory(CONTENT_DIR=tree)


def test_a_broken_translation_has_errors_on_the_board_with_its_problems(
    broken_translation,
):
    client = broken_translation.test_client()
    sign_in_staff(broken_translation, client, Role.EDITOR)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    board = client.get("/editor/").get_data(as_text=True)
    assert "has errors" in board
    assert f"<code>{ID}</code>" in board
    assert "put a space between" in board and "line 16" in board
    page = client.get("/editor/sample-course/first-steps/id").get_data(as_text=True)
    assert "Has errors" in page and "put a space between" in page


def test_the_preview_opens_the_broken_file_itself_with_its_problems(
    broken_translation,
):
    client = broken_translation.test_client()
    sign_in_staff(broken_translation, client, Role.EDITOR)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get(
        "/editor/preview?module=sample-course/first-steps&lang=id"
    ).get_data(as_text=True)
    assert "-[ ] Hadiah" in html  # the Indonesian file, not the English source
    assert "No problems found." not in html
    assert "put a space between" in html


def test_learners_are_not_told_a_broken_translation_does_not_exist(
    broken_translation,
):
    client = broken_translation.test_client()
    client.set_cookie("lang", "id")
    html = client.get(MODULE).get_data(as_text=True)
    assert "First steps" in html  # the English version, since id has errors
    assert "belum tersedia" not in html and "not yet available" not in html


def test_problems_are_in_the_editors_language(editor):
    html = preview(editor, DRAFT, language="id")
    problems = dict(listed(html))
    assert problems[12] == "pertanyaan 2 perlu penjelasan (&#39;&gt; ...&#39;)"
    assert problems[13].startswith("beri spasi di antara &#39;-&#39; dan &#39;[&#39;")
    assert "wajib diperbaiki" in html
    assert "needs an explanation" not in html and "must fix" not in html


def test_a_translated_message_fills_in_translated_parts(editor):
    source = (FIXTURES / "content" / ID).read_text(encoding="utf-8")
    moved = source.replace(
        "   - [ ] Biasa\n   - [x] Tanda bahaya", "   - [x] Biasa\n   - [ ] Tanda bahaya"
    )
    html = preview(
        editor, moved, language="id", lang="id", module="sample-course/first-steps"
    )
    [(line, message)] = listed(html)
    assert line == 13 and message.startswith("pertanyaan 1:")
    assert "sample-course/01-first-steps.en.md" in message
    assert "differ" not in message
