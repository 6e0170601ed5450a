"""Staff session limits, a fresh session at sign-in, safe logs, and a generic 500."""

import logging

import pytest

from courses.people.models import Role
from courses.web import auth
from tests.conftest import csrf_from
from tests.factories import make_class_session
from tests.helpers import join, sign_in_staff


@pytest.fixture
def clock(monkeypatch):
    """A controllable clock for the staff session limits."""
    now = {"t": 1_000_000.0}
    monkeypatch.setattr(auth, "_now", lambda: now["t"])
    return now


def test_staff_are_signed_out_after_thirty_idle_minutes(app, client, clock):
    sign_in_staff(app, client, Role.EDITOR)
    clock["t"] += 29 * 60
    assert client.get("/editor/").status_code == 200  # activity resets the idle timer
    clock["t"] += 29 * 60
    assert client.get("/editor/").status_code == 200
    clock["t"] += 31 * 60
    response = client.get("/editor/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/editor/").status_code == 302  # really signed out


def test_staff_sessions_end_after_twelve_hours_even_when_active(app, client, clock):
    sign_in_staff(app, client, Role.EDITOR)
    for _ in range(25):  # active every 29 minutes for just over 12 hours
        clock["t"] += 29 * 60
        client.get("/")
    assert client.get("/editor/").status_code == 302


def test_learners_are_not_timed_out(app, client, clock):
    join(client, make_class_session(app))
    clock["t"] += 48 * 3600
    assert client.get("/me/").status_code == 200


def test_sign_in_starts_a_fresh_session(app, client):
    old_token = csrf_from(client, "/join")
    old_cookie = client.get_cookie("session").value
    join(client, make_class_session(app))
    assert client.get_cookie("session").value != old_cookie
    # A token from before sign-in no longer works (session fixation, ASVS 3.2.1).
    response = client.post("/logout", data={"csrf_token": old_token})
    assert response.status_code == 400


def test_logs_hold_no_codes_and_cannot_be_forged(app, client, caplog):
    caplog.set_level(logging.INFO)
    code = make_class_session(app)
    personal = join(client, code)
    other = app.test_client()
    token = csrf_from(other, "/resume")
    other.post("/resume", data={"personal_code": personal, "csrf_token": token})
    token = csrf_from(other, "/resume")  # signing in started a fresh session
    other.post("/resume", data={"personal_code": "AAAAA-AAAAA", "csrf_token": token})
    token = csrf_from(other, "/login")
    other.post(
        "/login",
        data={
            "username": "x\r\nINFO forged",
            "password": "y" * 12,
            "csrf_token": token,
        },
    )
    text = caplog.text
    assert "learner joined" in text and "learner resumed" in text
    assert "personal code refused" in text and "staff sign-in failed" in text
    assert personal not in text and personal.replace("-", "") not in text
    assert code not in text
    assert "forged" not in text  # a typed username is never logged


def test_an_unexpected_error_is_a_generic_500_with_a_reference(app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail /srv/jaring/courses/db.py")

    boom.access = "public"
    client = app.test_client()
    response = client.get("/boom", headers={"Accept-Language": "en"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body and "Reference:" in body
    assert "Traceback" not in body and "secret detail" not in body
    assert "secret detail" in caplog.text  # the details go to the log only
    assert app.debug is False
