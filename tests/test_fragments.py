"""Render once, fill in per request: kept parts of pages never mix readers up.

A lesson, a blank quiz, the header and the footer are rendered once and kept; every
request still gets its own CSRF token and submission id, and each reader sees the
language, country and role that are theirs.
"""

from __future__ import annotations

import re

from tests.conftest import csrf_from
from tests.factories import make_class_session
from tests.helpers import MODULE, RIGHT, join, submit
from tests.test_contact_topics import page, site, tree  # noqa: F401 - fixtures

SUBMISSION = re.compile(r'name="submission_id" value="([^"]+)"')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_every_request_gets_its_own_token_and_submission_id(app, client):
    first = client.get(MODULE).get_data(as_text=True)
    other = app.test_client().get(MODULE).get_data(as_text=True)
    assert "__jaring" not in first + other  # no mark is left unfilled
    assert SUBMISSION.search(first).group(1) != SUBMISSION.search(other).group(1)
    assert TOKEN.search(first).group(1) != TOKEN.search(other).group(1)


def test_a_kept_quiz_still_submits_and_is_stored_once(app, client):
    join(client, make_class_session(app), "Ayu")
    for _ in range(2):  # the second page view comes from the kept fragments
        response = submit(client, RIGHT)
        assert response.status_code == 200
        assert "3 of 3" in response.get_data(as_text=True)
    data = client.get("/me/data").get_data(as_text=True)
    assert data.count("/me/attempts/") == 2  # two forms, two attempts


def test_each_language_gets_its_own_kept_lesson(app):
    english, indonesian = app.test_client(), app.test_client()
    english.set_cookie("lang", "en")
    indonesian.set_cookie("lang", "id")
    for _ in range(2):
        assert "<h1>First steps</h1>" in english.get(MODULE).get_data(as_text=True)
        html = indonesian.get(MODULE).get_data(as_text=True)
        assert "<h1>Langkah pertama</h1>" in html
        assert 'name="next" value="/courses/sample-course/first-steps"' in html


def test_each_reader_gets_the_header_of_their_role(app):
    anonymous, learner = app.test_client(), app.test_client()
    join(learner, make_class_session(app), "Budi")
    for reader in (anonymous, learner):
        reader.set_cookie("lang", "en")
    for _ in range(2):
        assert "My progress" not in anonymous.get(MODULE).get_data(as_text=True)
        assert "My progress" in learner.get(MODULE).get_data(as_text=True)
    token = csrf_from(learner, "/me/")
    assert token  # the kept header's sign-out form carries a live token
    assert learner.post("/logout", data={"csrf_token": token}).status_code == 302


def test_the_country_of_each_reader_decides_the_kept_contacts(site):  # noqa: F811
    here, there = site.test_client(), site.test_client()
    there.set_cookie("country", "PH")
    for _ in range(2):
        assert "Indonesian reporting line" in page(here)
        assert "Philippine reporting line" in page(there)
