"""Editors' tools: translation board, what changed, live preview; for editors only."""

import shutil
import subprocess
from pathlib import Path

import pytest

from courses.content.loader import load_catalog
from courses.content.translation_status import mark_translated
from courses.people.models import Role
from tests.conftest import FIXTURES, csrf_from
from tests.factories import make_class_session
from tests.helpers import join, sign_in_staff

EDITOR_URLS = [
    "/editor/",
    "/editor/preview",
    "/editor/sample-course/first-steps/id",
]
EN = "sample-course/01-first-steps.en.md"
ID = "sample-course/01-first-steps.id.md"


@pytest.mark.parametrize("url", EDITOR_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", EDITOR_URLS)
def test_learners_and_facilitators_are_refused(app, url):
    learner = app.test_client()
    join(learner, make_class_session(app))
    facilitator = app.test_client()
    sign_in_staff(app, facilitator, Role.FACILITATOR, "fasilitator")
    assert learner.get(url).status_code == 404
    assert facilitator.get(url).status_code == 404
    token = csrf_from(facilitator, "/")
    response = facilitator.post(
        "/editor/preview", data={"csrf_token": token, "text": "x"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN])
def test_editors_and_admins_see_the_board(app, client, role):
    sign_in_staff(app, client, role)
    html = client.get("/editor/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "First steps" in html
    # id has no translated_from yet: outdated; extra-reading has no id file: missing.
    assert 'class="status outdated"' in html
    assert 'class="status missing"' in html
    assert 'class="status source"' in html
    assert 'href="/editor/"' in client.get("/").get_data(as_text=True)


def git(tree: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=tree, check=True, capture_output=True,
    )  # fmt: skip


@pytest.fixture
def content_repo(tmp_path: Path) -> Path:
    """A copy of the fixture content in its own git repository."""
    tree = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", tree)
    git(tree, "init", "-q")
    git(tree, "add", ".")
    git(tree, "commit", "-q", "-m", "start")
    return tree


def source_of(tree: Path):
    catalog = load_catalog(tree, ["id", "en", "tl", "vi", "ar"])
    return catalog.course("sample-course").module("first-steps").versions["en"]


def test_marked_translation_is_up_to_date_until_the_source_changes(
    app_factory, content_repo
):
    mark_translated(content_repo / ID, source_of(content_repo))
    assert "translated_from: " in (content_repo / ID).read_text()
    app = app_factory(CONTENT_DIR=content_repo)
    client = app.test_client()
    sign_in_staff(app, client, Role.EDITOR)
    page = "/editor/sample-course/first-steps/id"
    assert "Up to date" in client.get(page, headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    source = content_repo / EN
    source.write_text(source.read_text().replace("Warning signs", "Danger signs"))
    git(content_repo, "commit", "-qam", "rename a heading")
    app = app_factory(CONTENT_DIR=content_repo)
    client = app.test_client()
    sign_in_staff(app, client, Role.EDITOR, "editor2")
    html = client.get(page, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Outdated" in html
    assert "-## Warning signs" in html and "+## Danger signs" in html


def test_mark_translated_command(app_factory, content_repo):
    app = app_factory(CONTENT_DIR=content_repo)
    result = app.test_cli_runner().invoke(
        args=["content", "mark-translated", str(content_repo / ID)]
    )
    assert result.exit_code == 0, result.output
    translated = load_catalog(content_repo, ["id", "en", "tl", "vi", "ar"])
    version = translated.course("sample-course").module("first-steps").versions["id"]
    assert source_of(content_repo).blob_id.startswith(version.translated_from)
    refused = app.test_cli_runner().invoke(
        args=["content", "mark-translated", str(content_repo / EN)]
    )
    assert refused.exit_code != 0 and "source" in refused.output


def preview(client, text: str, **extra: str):
    token = csrf_from(client, "/editor/preview")
    data = {"csrf_token": token, "text": text, "lang": "en", **extra}
    return client.post(
        "/editor/preview",
        data=data,
        headers={"HX-Request": "true", "Accept-Language": "en"},
    )


def test_preview_renders_the_module_as_learners_see_it(app, client):
    sign_in_staff(app, client, Role.EDITOR)
    text = (FIXTURES / "content" / EN).read_text()
    response = preview(client, text)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "No problems found." in html
    assert "<h1>First steps</h1>" in html
    assert 'href="tel:08000000"' in html  # help contact from contacts.yaml
    assert 'name="preview.q.fee"' in html and "is-right" not in html
    assert "inert" in html


def test_preview_reports_problems_with_lines_and_sanitises(app, client):
    sign_in_staff(app, client, Role.EDITOR)
    text = (
        "---\ntitle: Draft\n---\nCall 0812 3456 7890 now <script>alert(1)</script>\n\n"
        ":::quiz\n1. A question\n   - [x] yes\n   - [ ] no\n:::\n"
    )
    html = preview(client, text).get_data(as_text=True)
    assert "line 4" in html and "looks like a phone number" in html
    assert "line 7" in html and "needs an explanation" in html
    assert "<script>alert(1)" not in html


def test_preview_compares_a_translation_with_its_source(app, client):
    sign_in_staff(app, client, Role.EDITOR)
    text = (FIXTURES / "content" / ID).read_text()
    moved = text.replace(
        "   - [ ] Biasa\n   - [x] Tanda bahaya", "   - [x] Biasa\n   - [ ] Tanda bahaya"
    )
    html = preview(
        client, moved, lang="id", module="sample-course/first-steps"
    ).get_data(as_text=True)
    assert "right options differ" in html


def test_preview_page_works_without_javascript(app, client):
    sign_in_staff(app, client, Role.EDITOR)
    page = client.get("/editor/preview?module=sample-course/first-steps&lang=id")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<textarea" in html
    assert "Langkah pertama" in html  # the id file, loaded to start from
    token = csrf_from(client, "/editor/preview")
    full = client.post(
        "/editor/preview", data={"csrf_token": token, "text": "no front matter"}
    )
    assert full.status_code == 200
    assert "<html" in full.get_data(as_text=True)
    assert "front matter" in full.get_data(as_text=True)


def test_preview_shows_text_after_the_quiz_after_it(app, client):
    sign_in_staff(app, client, Role.EDITOR)
    text = (
        FIXTURES / "content" / EN
    ).read_text() + "\n## Sources\n\n- [S1] A source.\n"
    html = preview(client, text).get_data(as_text=True)
    assert html.index('id="quiz"') < html.index("[S1] A source.")


def test_the_board_shows_how_each_translation_was_made(app_factory, tmp_path):
    tree = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", tree)
    path = tree / ID
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "title: Langkah pertama",
            "title: Langkah pertama\ntranslation: machine-assisted",
        ),
        encoding="utf-8",
    )
    app = app_factory(CONTENT_DIR=tree)
    client = app.test_client()
    sign_in_staff(app, client, Role.EDITOR)
    board = client.get("/editor/", headers={"Accept-Language": "en"})
    assert "machine-assisted, not reviewed" in board.get_data(as_text=True)
    learner_view = app.test_client()
    learner_view.set_cookie("lang", "id")
    lesson = learner_view.get("/courses/sample-course/first-steps")
    assert "belum diperiksa oleh penutur asli" in lesson.get_data(as_text=True)
