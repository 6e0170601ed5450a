"""Who sees what: every facilitator and staff route, against every role.

A facilitator sees and changes only their own sessions and those they help with; an
admin sees the organisation's; nobody sees another organisation's; learners and
editors see none. Ids guessed or copied from elsewhere answer 404, for pages,
htmx fragments, CSV and SVG alike, and a refused POST changes nothing.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from courses.people.models import (
    ClassSession,
    CoFacilitator,
    HeadCount,
    Membership,
    Role,
    User,
)
from courses.platform.db import get_session
from tests.conftest import csrf_from
from tests.facilitation import join_code_of, learner, new_session, staff_client

FACILITATION = (
    "sessions", "session_tools", "session_learners", "attendance", "presentation",
    "reports", "staff",
)  # fmt: skip


@pytest.fixture
def world(app: Flask) -> dict[str, object]:
    """Two organisations; a session of Guru's with a learner and a co-facilitator."""
    guru = staff_client(app, "guru")
    helper = staff_client(app, "helper")
    public_id = new_session(guru)
    page = guru.get(f"/sessions/{public_id}/team").get_data(as_text=True)
    options = dict(
        (name, value)
        for value, name in re.findall(r'<option value="([\w-]{16})">([^<]+)<', page)
    )
    helper_value = next(v for n, v in options.items() if "helper" in n)
    guru.post(
        f"/sessions/{public_id}/team",
        data={"user": helper_value, "csrf_token": csrf_from(guru, "/sessions/")},
    )
    pupil, _code = learner(app, join_code_of(guru, public_id), "Ayu")
    with app.app_context():
        db = get_session()
        member = db.scalars(select(Membership)).one().public_id
        guru_id = (
            db.scalars(select(User).where(User.username == "guru")).one().public_id
        )
    return {
        "session": public_id,
        "member": member,
        "guru_id": guru_id,
        "clients": {
            "owner": guru,
            "co-facilitator": helper,
            "admin": staff_client(app, "boss", Role.ADMIN),
            "other facilitator": staff_client(app, "rival"),
            "editor": staff_client(app, "writer", Role.EDITOR),
            "admin elsewhere": staff_client(app, "stranger", Role.ADMIN, "Other NGO"),
            "facilitator elsewhere": staff_client(
                app, "far", Role.FACILITATOR, "Other NGO"
            ),
            "learner": pupil,
            "anonymous": app.test_client(),
        },
    }


def urls(app: Flask, world: dict[str, object], method: str) -> list[str]:
    """Return a concrete URL for every facilitation route accepting `method`."""
    values = {
        "session_id": world["session"],
        "member_id": world["member"],
        "user_id": world["guru_id"],
        "course_slug": "sample-course",
        "module_slug": "first-steps",
    }
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            blueprint = rule.endpoint.split(".")[0]
            if blueprint not in FACILITATION or method not in (rule.methods or ()):
                continue
            if rule.endpoint == "staff.set_password":
                continue  # public: a one-time link (tested on its own)
            from flask import url_for

            found.append(
                url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            )
    return found


RUN_SESSIONS = ("owner", "co-facilitator", "admin", "other facilitator",
                "admin elsewhere", "facilitator elsewhere")  # fmt: skip
ADMINS = ("admin", "admin elsewhere")


def expected_get(role: str, url: str, world: dict[str, object]) -> tuple[int, ...]:
    """Return the statuses a role may get for a URL."""
    if role == "anonymous":
        return (302,)
    scoped = str(world["session"]) in url or str(world["guru_id"]) in url
    if url.startswith("/staff"):
        if role == "admin" or (role == "admin elsewhere" and not scoped):
            return (200,)
        return (404,)
    if not scoped:  # a list or report of one's own: any facilitator or admin
        return (200,) if role in RUN_SESSIONS else (404,)
    return (200, 204) if role in ("owner", "co-facilitator", "admin") else (404,)


def test_every_page_fragment_and_export_is_scoped(app, world):
    gets = urls(app, world, "GET")
    assert len(gets) >= 15
    for url in gets:
        for role, client in world["clients"].items():
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                assert response.status_code in expected_get(role, url, world), (
                    role, url, response.status_code,
                )  # fmt: skip
                if response.status_code == 200 and role not in (
                    "owner",
                    "co-facilitator",
                    "admin",
                ):  # lists and reports of one's own never show Guru's session
                    body = response.get_data(as_text=True)
                    assert str(world["session"]) not in body, (role, url)
                    assert "SMP 2 Mataram 9B" not in body, (role, url)


def table_counts(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        db = get_session()
        return tuple(
            db.scalar(select(func.count()).select_from(model))
            for model in (ClassSession, Membership, HeadCount, CoFacilitator, User)
        ) + tuple(db.scalars(select(ClassSession.closed_at)).all())


def test_a_refused_post_changes_nothing(app, world):
    posts = urls(app, world, "POST")
    assert len(posts) >= 12
    before = table_counts(app)
    for role in ("learner", "editor", "other facilitator", "admin elsewhere",
                 "facilitator elsewhere", "anonymous"):  # fmt: skip
        client = world["clients"][role]
        token = csrf_from(client, "/")
        for url in posts:
            scoped = str(world["session"]) in url or str(world["guru_id"]) in url
            if not scoped and role in RUN_SESSIONS:
                continue  # creating one's own session or colleague is allowed
            data = {"csrf_token": token, "confirm": "yes", "title": "x", "name": "x",
                    "items": "sample-course", "kind": "school", "username": "evil1",
                    "role": "admin", "user": world["guru_id"], "part": "2",
                    "count-female-under-18": "5", "votes-a": "1"}  # fmt: skip
            status = client.post(url, data=data).status_code
            expected = 302 if role == "anonymous" else 404
            assert status == expected, (role, url, status)
    assert table_counts(app) == before


def test_a_guessed_or_malformed_id_is_404(app, world):
    owner = world["clients"]["owner"]
    for url in (
        "/sessions/AAAAAAAAAAAAAAAA",
        "/sessions/AAAAAAAAAAAAAAAA/report.csv",
        f"/sessions/{world['session']}/learners/AAAAAAAAAAAAAAAA/rename",
        "/sessions/1",
        "/sessions/" + "A" * 5000,
        "/sessions/%00%00%00%00%00%00%00%00",
    ):
        assert owner.get(url).status_code in (404, 405), url
