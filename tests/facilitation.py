"""Helpers for the facilitator tests: staff who sign in, sessions made through the web
form, a content tree with a pre-test and a post-test, and learners who answer."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from courses.people.models import Role
from tests.conftest import FIXTURES, csrf_from
from tests.factories import make_staff
from tests.helpers import join, quiz_form

PASSWORD = "correct horse battery"
PUBLIC_ID = re.compile(r"/sessions/([A-Za-z0-9_-]{16})")

TEST_QUIZ = """:::quiz
1. Nia is asked for a fee before the job. Is this a warning sign? {{#fee}}
   - [ ] No
   - [x] Yes
   > {why}
2. Who keeps Nia's passport? {{#passport}}
   - [x] Nia herself
   - [ ] The agent
   - [ ] The employer
   > Workers keep their own passport.
:::
"""


def content_with_tests(tmp_path: Path) -> Path:
    """Return a copy of the fixture tree plus a course with a pre- and a post-test."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", root)
    course = root / "tested-course"
    course.mkdir()
    (course / "course.yaml").write_text(
        "order: 2\ndefault_language: en\npass_mark: 50\noptional: [before]\n"
        "pre_test: before\npost_test: after\n"
    )
    (course / "_index.en.md").write_text("---\ntitle: Tested course\n---\nIntro.\n")
    for number, slug, title in ((0, "before", "Before"), (2, "after", "After")):
        (course / f"{number:02d}-{slug}.en.md").write_text(
            f"---\ntitle: {title}\n---\nA short test.\n\n"
            + TEST_QUIZ.format(why="Employers pay the fees.")
        )
    (course / "01-lesson.en.md").write_text(
        "---\ntitle: The lesson\n---\nEmployers pay.\n\n## Passports\n\nKeep it.\n"
    )
    return root


def staff_client(
    app: Flask,
    username: str = "guru",
    role: Role = Role.FACILITATOR,
    organisation: str = "Test NGO",
) -> FlaskClient:
    """Create a staff member and return a client signed in as them."""
    make_staff(app, username, PASSWORD, role, organisation)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # staff pages read in English
    token = csrf_from(client, "/login")
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def new_session(
    client: FlaskClient,
    title: str = "SMP 2 Mataram 9B",
    items: tuple[str, ...] = ("sample-course",),
    **fields: str,
) -> str:
    """Create a session through the web form; return its public id."""
    data: dict[str, object] = {
        "csrf_token": csrf_from(client, "/sessions/new"),
        "kind": "school",
        "title": title,
        "place_name": "SMP 2",
        "district": "Mataram",
        "province": "NTB",
        "country": "ID",
        "held_on": "2026-12-01",
        "language": "id",
        "items": list(items),
        **fields,
    }
    response = client.post("/sessions/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    match = PUBLIC_ID.search(response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def join_code_of(client: FlaskClient, public_id: str) -> str:
    """Return the join code shown on the session page."""
    page = client.get(f"/sessions/{public_id}").get_data(as_text=True)
    match = re.search(r'class="join-code" dir="ltr">([A-Z0-9]+)<', page)
    assert match, "no join code on the session page"
    return match.group(1)


def learner(app: Flask, code: str, name: str) -> tuple[FlaskClient, str]:
    """Return a new learner's client and personal code, joined with `code`."""
    client = app.test_client()
    return client, join(client, code, name)


def answer(client: FlaskClient, module_url: str, answers: dict[str, object]) -> str:
    """Submit a module's quiz with `answers`; return the result page."""
    fields = quiz_form(client, module_url)
    response = client.post(
        module_url + "/quiz",
        data={**fields, **answers},
        headers={"Accept-Language": "en"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200, re.findall(r"error-message[^<]*<", text)
    return text
