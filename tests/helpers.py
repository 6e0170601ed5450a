"""Helpers for driving the site like a browser: read forms, submit quizzes, join."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.conftest import CSRF_INPUT, csrf_from

MODULE = "/courses/sample-course/first-steps"
RIGHT = {"q.fee": "b", "q.2": ["a", "b"], "q.3": "b"}
WRONG = {"q.fee": "a", "q.2": ["a"], "q.3": "a"}


def quiz_form(client: FlaskClient, url: str = MODULE, **headers: str) -> dict[str, str]:
    """Return the hidden fields of a module page's quiz form (English by default)."""
    headers.setdefault("Accept-Language", "en")
    html = client.get(url, headers=headers).get_data(as_text=True)
    start = html.index('id="quiz"')
    quiz = html[start : html.index("</section>", start)]
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', quiz))
    assert {"csrf_token", "submission_id", "lang"} <= fields.keys()
    return fields


def submit(
    client: FlaskClient, answers: dict, form: dict | None = None, **headers: str
):
    """Submit a quiz form with the given answers."""
    data = dict(form or quiz_form(client))
    data.update(answers)
    headers.setdefault("Accept-Language", "en")
    return client.post(MODULE + "/quiz", data=data, headers=headers)


def join(client: FlaskClient, code: str, name: str = "Ayu", remember: bool = False):
    """Join a class session; return the personal code shown on the welcome page."""
    page = client.get("/join").get_data(as_text=True)
    data = {
        "join_code": code,
        "display_name": name,
        "csrf_token": CSRF_INPUT.search(page).group(1),
        "form_key": re.search(r'name="form_key" value="([^"]+)"', page).group(1),
    }
    if remember:
        data["remember"] = "1"
    response = client.post("/join", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    welcome = response.get_data(as_text=True)
    match = re.search(r'class="personal-code"[^>]*>([A-Z0-9-]+)<', welcome)
    assert match, "no personal code on the welcome page"
    return match.group(1)


def sign_in_staff(app, client: FlaskClient, role, username: str = "staff") -> None:
    """Create a staff account with `role` and sign `client` in with it."""
    from tests.factories import make_staff

    make_staff(app, username, "correct horse battery", role)
    token = csrf_from(client, "/login")
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
