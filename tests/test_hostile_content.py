"""No content, typed into the preview or lying on disk, can stall a worker.

The inputs are those an outside review used (a YAML alias bomb, Python-Markdown's
quadratic "[" runs, quiz lines with long runs of spaces, deeply nested YAML), scaled
up; each must end within a bounded time as a 4xx answer or a content problem.
"""

from __future__ import annotations

import shutil
import time
from html import escape
from pathlib import Path

import pytest

from courses.content.bounded import BoundedRunner, TooComplex
from courses.content.loader import load_catalog
from courses.content.quiz import QuizSyntaxError, parse_quiz
from courses.people.models import Role
from courses.platform.config import LANGUAGES
from tests.bounded_calls import allocate, sleep_for
from tests.conftest import FIXTURES, csrf_from
from tests.helpers import sign_in_staff

PREVIEW_SECONDS = 1.0
SLACK = 4.0  # start-up of the child process and a slow CI machine


def alias_bomb(levels: int) -> str:
    """Return front matter whose aliases expand to 9**levels strings."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines)


def module_text(front: str = "", body: str = "Text.") -> str:
    return f"---\ntitle: T\n{front}\n---\n{body}\n"


HOSTILE = {
    "alias-bomb": (
        module_text(front=alias_bomb(12)),
        "anchors (&name) and aliases (*name) are not allowed",
    ),
    "nested-flow-lists": (
        module_text(front="x: " + "[" * 5000 + "]" * 5000),
        "nested more than 20 levels deep",
    ),
    "spaces-in-quiz-lines": (
        module_text(body=":::quiz\n1. Q" + " " * 38_000 + "x\n:::"),
        "question 1 needs at least two options",
    ),
}


@pytest.fixture
def editor(app_factory):
    app = app_factory(PREVIEW_SECONDS=PREVIEW_SECONDS)
    client = app.test_client()
    sign_in_staff(app, client, Role.EDITOR, "editor")
    return app, client


def post_preview(client, text: str, **headers: str):
    token = csrf_from(client, "/editor/preview")
    started = time.monotonic()
    response = client.post(
        "/editor/preview",
        data={"csrf_token": token, "text": text, "lang": "en"},
        headers={"Accept-Language": "en", **headers},
    )
    return response, time.monotonic() - started


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_preview_is_a_problem_in_bounded_time(editor, name):
    _app, client = editor
    text, expected = HOSTILE[name]
    response, seconds = post_preview(client, text, **{"HX-Request": "true"})
    assert response.status_code == 200
    assert escape(expected, quote=False) in response.get_data(as_text=True)
    assert seconds < PREVIEW_SECONDS + SLACK


def test_quadratic_markdown_is_cut_off_with_a_message(editor):
    """30,000 "[" would take minutes in Python-Markdown: the worker is stopped."""
    _app, client = editor
    response, seconds = post_preview(client, module_text(body="[" * 30_000))
    assert response.status_code == 422
    assert "too complex to preview" in response.get_data(as_text=True)
    assert seconds < PREVIEW_SECONDS + SLACK
    # The next preview works at once: a fresh worker replaced the stopped one.
    response, _seconds = post_preview(client, module_text(body="Fine **text**."))
    assert response.status_code == 200
    assert "<strong>text</strong>" in response.get_data(as_text=True)


def test_the_refusal_is_in_the_editors_language(editor):
    _app, client = editor
    token = csrf_from(client, "/editor/preview")
    response = client.post(
        "/editor/preview",
        data={"csrf_token": token, "text": module_text(body="[" * 30_000)},
        headers={"Accept-Language": "id"},
    )
    assert response.status_code == 422
    assert "terlalu rumit" in response.get_data(as_text=True)


def test_text_longer_than_any_module_is_refused_unparsed(editor):
    _app, client = editor
    response, seconds = post_preview(client, module_text(body="word " * 10_000))
    assert response.status_code == 413
    assert "Split it into two modules" in response.get_data(as_text=True)
    assert seconds < 2


def test_the_preview_no_longer_answers_a_get_with_text(editor):
    """A clicked link cannot make the server parse anything."""
    _app, client = editor
    marker = "UNIQUE-MARKER-TEXT"
    url = f"/editor/preview?module=sample-course/first-steps&text={marker}"
    page = client.get(url).get_data(as_text=True)
    textarea = page[page.index('<textarea id="text"') : page.index("</textarea>")]
    assert marker not in textarea and "title: First steps" in textarea
    result = page.split('id="preview-result"')[1].split("</form>")[0]
    assert marker not in result


def test_preview_needs_a_csrf_token(editor):
    _app, client = editor
    response = client.post("/editor/preview", data={"text": module_text()})
    assert response.status_code == 400


def hostile_tree(tmp_path: Path) -> Path:
    """Copy the fixture tree and add one hostile file per kind, plus a hostile yaml."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    course = root / "sample-course"
    (course / "03-bomb.en.md").write_text(HOSTILE["alias-bomb"][0])
    (course / "04-nested.en.md").write_text(HOSTILE["nested-flow-lists"][0])
    (course / "05-spaces.en.md").write_text(HOSTILE["spaces-in-quiz-lines"][0])
    (course / "06-brackets.en.md").write_text(module_text(body="[" * 60_000))
    (course / "07-huge.en.md").write_text(module_text(body="x" * 300_000))
    (root / "other-course").mkdir()
    other = root / "other-course" / "course.yaml"
    other.write_text(alias_bomb(12) + "\ndefault_language: en\n")
    return root


def test_start_up_and_content_check_survive_hostile_files(tmp_path):
    root = hostile_tree(tmp_path)
    started = time.monotonic()
    catalog = load_catalog(root, list(LANGUAGES), seconds_per_file=1.0)
    assert time.monotonic() - started < 1.0 + 2 * SLACK
    messages: dict[str, str] = {}
    for problem in catalog.problems:  # every problem of a file, in one string
        messages[problem.path] = messages.get(problem.path, "") + problem.message
    course = "sample-course"
    assert "aliases" in messages[f"{course}/03-bomb.en.md"]
    assert "nested more than" in messages[f"{course}/04-nested.en.md"]
    assert "needs at least two options" in messages[f"{course}/05-spaces.en.md"]
    assert "too complex to read" in messages[f"{course}/06-brackets.en.md"]
    assert "larger than 200 KB" in messages[f"{course}/07-huge.en.md"]
    assert "aliases" in messages["other-course/course.yaml"]
    # The good files still load.
    assert catalog.course(course).module("first-steps") is not None


def test_content_check_command_lists_hostile_files(tmp_path, app_factory):
    root = hostile_tree(tmp_path)
    app = app_factory(CONTENT_SECONDS_PER_FILE=1.0)
    result = app.test_cli_runner().invoke(
        args=["content", "check", "--content-dir", str(root)]
    )
    assert result.exit_code == 1
    assert "03-bomb.en.md:" in result.output
    assert "06-brackets.en.md:1: too complex to read" in result.output


def test_quiz_parser_is_linear_in_the_line_length():
    """Ten times the spaces takes about ten times as long, not a hundred."""

    def seconds(n: int) -> float:
        lines = ["1. Q" + " " * n + "x {" + " " * n + "}", "   - [x] a" + " " * n]
        started = time.perf_counter()
        with pytest.raises(QuizSyntaxError):
            parse_quiz(lines, 1)
        return time.perf_counter() - started

    small, large = seconds(40_000), seconds(400_000)
    assert large < 0.5
    assert large < 30 * max(small, 1e-4)


def test_runner_stops_a_call_past_its_time_and_recovers():
    with BoundedRunner(seconds=0.5) as runner:
        started = time.monotonic()
        with pytest.raises(TooComplex, match="longer than 0.5 s"):
            runner.call(sleep_for, 30)
        assert time.monotonic() - started < 0.5 + SLACK
        assert runner.call(sleep_for, 0) == "slept"


def test_runner_refuses_a_call_past_its_memory():
    with BoundedRunner(seconds=10, memory_mb=256) as runner:
        with pytest.raises(TooComplex, match="memory"):
            runner.call(allocate, 1024)
        assert runner.call(allocate, 16) == 16 * 1024 * 1024
