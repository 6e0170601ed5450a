"""Bad input is a clean 4xx everywhere: every route in the URL map, with hostile path
values, hostile form fields, wrong methods and content types, and a 1 MB body,
as every kind of user; never a 5xx, and no stored row is added or removed."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from courses.content.quiz import QuizSyntaxError, parse_quiz
from courses.people.models import (
    ClassSession,
    Device,
    GroupAnswer,
    HeadCount,
    Membership,
    ModuleProgress,
    OutgoingBundle,
    QuizAttempt,
    Role,
    SentRecord,
    StaffLink,
    Tombstone,
    User,
)
from courses.platform.db import Base, get_session
from tests.conftest import csrf_from
from tests.facilitation import join_code_of, learner, new_session, staff_client
from tests.helpers import MODULE, quiz_form

HOSTILE_VALUES = [
    "A" * 5000,
    "9" * 40,
    "-1",
    "\x00",
    "\u202e\u3164\u2800",
    "../../etc/passwd",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%s%n",
    "{{7*7}}",
    "☃" * 300,
]
FORM_FIELDS = [
    "join_code", "display_name", "personal_code", "username", "password", "again",
    "text", "module", "lang", "next", "country", "title", "kind", "items",
    "place_name", "district", "province", "held_on", "language", "shared_phone",
    "name", "confirm", "user", "role", "part", "submission_id", "q.fee", "q.2", "q.3",
    "count-female-under-18", "votes-a", "votes-b", "form_key", "remember",
]  # fmt: skip
MODELS = (
    User, ClassSession, Membership, HeadCount, GroupAnswer, QuizAttempt,
    ModuleProgress, StaffLink, Device, Tombstone, SentRecord, OutgoingBundle,
)  # fmt: skip


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        db = get_session()
        return {
            m.__tablename__: db.scalar(select(func.count()).select_from(m))
            for m in MODELS
        }


@pytest.fixture
def people(app: Flask) -> dict[str, object]:
    """A facilitator with a session and a learner, an admin, an editor, a stranger."""
    guru = staff_client(app, "guru")
    public_id = new_session(guru)
    pupil, _code = learner(app, join_code_of(guru, public_id), "Ayu")
    return {
        "session": public_id,
        "clients": {
            "anonymous": app.test_client(),
            "learner": pupil,
            "facilitator": guru,
            "admin": staff_client(app, "boss", Role.ADMIN),
            "editor": staff_client(app, "writer", Role.EDITOR),
        },
    }


def concrete_urls(app: Flask, values: dict[str, str]) -> list[tuple[str, set[str]]]:
    """Return every rule of the URL map as a URL, with the methods it accepts."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "assets.serve":
                continue
            args = {a: values.get(a, values["*"]) for a in rule.arguments}
            try:
                found.append((url_for(rule.endpoint, **args), set(rule.methods or ())))
            except Exception:  # noqa: BLE001 - a converter refuses the value: no route
                continue
    return found


def check(response, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("value", HOSTILE_VALUES[:4])
def test_hostile_path_values_never_give_a_5xx(app, people, value):
    before = row_counts(app)
    values = {"*": value, "attempt_id": value, "token": value}
    for url, methods in concrete_urls(app, values):
        for client in people["clients"].values():
            check(client.get(url), url)
            if "POST" in methods:
                token = csrf_from(client, "/")
                check(client.post(url, data={"csrf_token": token}), url)
    assert row_counts(app) == before


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_form_fields_never_give_a_5xx_or_change_rows(app, people, value):
    before = row_counts(app)
    values = {
        "*": people["session"], "session_id": people["session"],
        "course_slug": "sample-course", "module_slug": "first-steps",
        "language": "en", "token": "t" * 40,
    }  # fmt: skip
    skip = {"/logout", "/next-person"}  # they sign out, which is their job
    posts = [u for u, m in concrete_urls(app, values) if "POST" in m and u not in skip]
    for role, client in people["clients"].items():
        token = csrf_from(client, "/")
        for url in posts:
            data = {name: value for name in FORM_FIELDS}
            check(client.post(url, data={**data, "csrf_token": token}), f"{role} {url}")
    assert row_counts(app) == before


def test_wrong_methods_content_types_and_big_bodies_are_4xx(app, people):
    client = people["clients"]["learner"]
    values = {
        "*": "A" * 16, "course_slug": "sample-course", "module_slug": "first-steps",
        "language": "en", "token": "t" * 40,
    }  # fmt: skip
    for url, methods in concrete_urls(app, values):
        for method in ("PUT", "DELETE", "PATCH"):
            response = client.open(url, method=method)
            assert response.status_code == 405, (method, url)
            assert response.headers.get("Allow"), url  # says what is allowed
        if "POST" in methods:
            for kwargs in (
                {"json": {"csrf_token": "x", "a": [1, 2]}},
                {"data": "x=1", "content_type": "text/plain"},
                {"data": b"\xff\xfe" * 10, "content_type": "application/octet-stream"},
            ):
                check(client.post(url, **kwargs), url)
    big = client.post("/join", data={"display_name": "x" * (1024 * 1024)})
    assert big.status_code == 413


def test_an_anonymous_post_for_a_module_that_does_not_exist_is_a_clean_404(client):
    response = client.post("/courses/sample-course/no-such-module/quiz", data={})
    assert response.status_code == 404
    assert response.headers["Content-Security-Policy"]
    assert "<html" in response.get_data(as_text=True)


def test_a_submission_id_reused_on_another_module_is_refused(app, people):
    client = people["clients"]["learner"]
    form = quiz_form(client)
    first = client.post(
        MODULE + "/quiz", data={**form, "q.fee": "b", "q.2": ["a", "b"], "q.3": "b"}
    )
    assert first.status_code == 200
    other = "/courses/sample-course/extra-reading/quiz"
    replay = client.post(other, data={**form, "q.fee": "b"})
    assert replay.status_code == 404  # that module has no quiz
    assert row_counts(app)["quiz_attempt"] == 1


def test_null_and_foreign_origins_are_refused_our_own_is_not(app, people):
    client = people["clients"]["learner"]
    token = csrf_from(client, "/")
    for origin in ("null", "https://evil.example"):
        response = client.post(
            "/language",
            data={"lang": "en", "csrf_token": token},
            headers={"Origin": origin},
        )
        assert response.status_code == 403, origin
    ours = client.post(
        "/language",
        data={"lang": "en", "csrf_token": token},
        headers={"Origin": "http://localhost"},
    )
    assert ours.status_code == 302


# --- properties ---------------------------------------------------------------------

QUIZ_LINES = st.lists(
    st.one_of(
        st.from_regex(r"\A {0,3}\d{1,3}[.)] [^\n]{0,40}\Z"),
        st.from_regex(r"\A {0,4}[-*+] \[[ xX]\] [^\n]{0,30}\Z"),
        st.from_regex(r"\A {0,4}> ?[^\n]{0,30}\Z"),
        st.text(alphabet=st.characters(blacklist_characters="\n\r"), max_size=40),
    ),
    max_size=25,
)


@settings(max_examples=300, deadline=None)
@given(QUIZ_LINES)
def test_the_quiz_parser_returns_a_quiz_or_a_syntax_error_only(lines):
    try:
        quiz = parse_quiz(lines, 10)
    except QuizSyntaxError as error:
        assert 10 <= error.line <= 10 + max(len(lines), 1)
        assert error.message and "\n" not in error.message
        return
    assert quiz.questions
    for question in quiz.questions:
        assert len(question.options) >= 2 and question.correct_keys


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.dictionaries(
        st.sampled_from(
            ["q.fee", "q.2", "q.3", "q.other", "submission_id", "lang", "x"]
        ),
        st.lists(st.text(max_size=20), max_size=3),
        max_size=6,
    )
)
def test_the_quiz_endpoint_answers_any_form_with_2xx_or_4xx(app, form):
    client = app.test_client()
    fields = quiz_form(client)
    data = {**fields, **form}
    data["csrf_token"] = fields["csrf_token"]
    response = client.post(MODULE + "/quiz", data=data)
    assert response.status_code in (200, 400, 422), response.status_code
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(QuizAttempt)) == 0


def test_every_table_is_counted():
    """The row checks above cover every table of the models."""
    tables = {m.__tablename__ for m in MODELS}
    assert tables | {"organisation", "co_facilitator", "session_module"} == set(
        Base.metadata.tables
    )
