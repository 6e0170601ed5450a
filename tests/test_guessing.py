"""Guessing is limited per code and per account; one busy address is slowed, never
locked out; a new personal code signs out every other device; codes stay secret."""

from __future__ import annotations

import os
import time

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from courses.people.models import Role
from courses.platform.extensions import limiter
from tests.conftest import csrf_from
from tests.factories import make_class_session, make_staff
from tests.helpers import join

REDIS_URL = "redis://127.0.0.1:6379"
PASSWORD = "correct horse battery"


def redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["memory", "redis"])
def guarded_app(request, app_factory) -> Flask:
    """An app with rate limits on, in memory or in Redis (as several workers share)."""
    settings: dict[str, object] = {
        "RATELIMIT_ENABLED": True,
        "SLOW_AFTER_FAILURES": 20,
        "SLOW_MAX_SECONDS": 0.01,
    }
    if request.param == "redis":
        if not redis_reachable() and os.environ.get("CI") != "true":
            pytest.skip("Redis is not running here (CI starts it and never skips)")
        settings["RATELIMIT_STORAGE_URI"] = REDIS_URL
    app = app_factory(**settings)
    with app.app_context():
        limiter.reset()  # counters from an earlier run must not count here
    return app


def post(client: FlaskClient, url: str, **data: str):
    data["csrf_token"] = csrf_from(client, url)
    return client.post(url, data=data, headers={"Accept-Language": "en"})


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD):
    return post(client, "/login", username=username, password=password)


def test_a_class_behind_one_router_gets_in_after_150_failures(guarded_app):
    app = guarded_app
    code = make_class_session(app)
    make_staff(app, "guru", PASSWORD, Role.FACILITATOR)
    teacher = app.test_client()
    assert sign_in(teacher, "guru").status_code == 302  # her laptop, used before
    personal = join(app.test_client(), code, "Ayu")
    teacher.post("/logout", data={"csrf_token": csrf_from(teacher, "/")})

    pupil = app.test_client()  # same address (127.0.0.1) as everyone here
    for number in range(50):
        assert (
            post(pupil, "/join", join_code="ZZZZZZ", display_name="x").status_code
            == 400
        )
        assert post(
            pupil, "/resume", personal_code=f"AAAAA{number:05d}"
        ).status_code in (
            400,
            429,
        )
        assert sign_in(pupil, "guru", "wrong password " * 2).status_code in (400, 429)

    join(app.test_client(), code, "Budi")  # a valid join code gets in
    again = app.test_client()
    assert post(again, "/resume", personal_code=personal).status_code == 302
    assert sign_in(teacher, "guru").status_code == 302  # and so does the teacher


def test_an_account_is_protected_from_unknown_devices_only(guarded_app):
    app = guarded_app
    make_staff(app, "guru", PASSWORD, Role.FACILITATOR)
    laptop = app.test_client()
    assert sign_in(laptop, "guru").status_code == 302
    laptop.post("/logout", data={"csrf_token": csrf_from(laptop, "/")})
    stranger = app.test_client()
    statuses = [
        sign_in(stranger, "guru", "not the password").status_code for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    new_phone = sign_in(app.test_client(), "guru")
    assert new_phone.status_code == 429
    assert "device you used before" in new_phone.get_data(as_text=True)
    assert sign_in(laptop, "guru").status_code == 302
    # Another account is not affected at all.
    make_staff(app, "editor", PASSWORD, Role.EDITOR)
    assert sign_in(app.test_client(), "editor").status_code == 302


def test_failures_from_a_busy_address_are_slowed_but_valid_codes_are_not(app_factory):
    app = app_factory(
        RATELIMIT_ENABLED=True, SLOW_AFTER_FAILURES=3, SLOW_MAX_SECONDS=0.3
    )
    with app.app_context():
        limiter.reset()
    code = make_class_session(app)
    pupil = app.test_client()

    def seconds(**form: str) -> tuple[float, int]:
        started = time.monotonic()
        status = post(pupil, "/join", **form).status_code
        return time.monotonic() - started, status

    quick = [seconds(join_code="ZZZZZZ", display_name="x") for _ in range(3)]
    assert all(s < 0.25 and status == 400 for s, status in quick)
    slowed = [seconds(join_code="ZZZZZZ", display_name="x") for _ in range(8)]
    assert all(status == 400 for _s, status in slowed)
    assert slowed[-1][0] >= 0.3  # 0.05 s more per failure, at most 0.3 s
    valid, status = seconds(join_code=code, display_name="Citra")
    assert status == 200 and valid < 0.25


def test_personal_codes_are_limited_per_code(guarded_app):
    app = guarded_app
    client = app.test_client()
    statuses = [
        post(client, "/resume", personal_code="AAAAA-AAAAA").status_code
        for _ in range(11)
    ]
    assert statuses == [400] * 10 + [429]
    assert post(client, "/resume", personal_code="BBBBB-BBBBB").status_code == 400


def test_a_new_personal_code_signs_out_every_other_device(app):
    code = make_class_session(app)
    phone = app.test_client()
    old = join(phone, code, "Ayu", remember=True)
    tablet = app.test_client()
    assert post(tablet, "/resume", personal_code=old, remember="1").status_code == 302
    assert tablet.get("/me/").status_code == 200

    page = post(phone, "/me/new-code").get_data(as_text=True)
    new = page.split('class="personal-code"')[1].split(">")[1].split("<")[0]
    assert new != old
    assert phone.get("/me/").status_code == 200  # the device that asked stays in
    assert tablet.get("/me/").status_code == 302  # the other one is signed out
    assert tablet.get("/me/data").status_code == 302
    assert post(app.test_client(), "/resume", personal_code=old).status_code == 400
    assert post(app.test_client(), "/resume", personal_code=new).status_code == 302


def test_a_personal_code_is_not_in_the_cookie_or_the_limit_keys(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    with app.app_context():
        limiter.reset()
    code = make_class_session(app)
    client = app.test_client()
    personal = join(client, code, "Ayu")
    plain = personal.replace("-", "")
    session_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert session_cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)
    assert plain not in repr(serializer.loads(session_cookie.value))
    assert post(app.test_client(), "/resume", personal_code=personal).status_code == 302
    assert (
        post(app.test_client(), "/resume", personal_code="AAAAA-AAAAA").status_code
        == 400
    )
    with app.app_context():
        keys = " ".join(limiter.storage.events) + " ".join(limiter.storage.storage)
    assert keys  # the tries were counted...
    assert plain not in keys and "AAAAAAAAAA" not in keys  # ...under digests


def test_refreshing_the_welcome_page_does_not_make_a_second_learner(app):
    code = make_class_session(app)
    client = app.test_client()
    page = client.get("/join").get_data(as_text=True)
    form = {
        "join_code": code,
        "display_name": "Ayu",
        "csrf_token": page.split('name="csrf_token" value="')[1].split('"')[0],
        "form_key": page.split('name="form_key" value="')[1].split('"')[0],
    }
    first = client.post("/join", data=form, headers={"Accept-Language": "en"})
    assert 'class="personal-code"' in first.get_data(as_text=True)
    again = client.post("/join", data=form, headers={"Accept-Language": "en"})
    assert again.status_code == 200
    text = again.get_data(as_text=True)
    assert "You have joined already" in text and 'class="personal-code"' not in text


@pytest.mark.parametrize(("hops", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_client_address_comes_from_trusted_proxies_only(app_factory, hops, seen):
    """Behind nginx (TRUSTED_PROXIES=1) the real address counts; never otherwise."""
    app = app_factory(TRUSTED_PROXIES=hops)

    @app.get("/address-for-test")
    def address():  # a test-only view, to read what the app sees
        from courses.platform.rate_limit_keys import client_address

        return client_address()

    address.access = "public"
    response = app.test_client().get(
        "/address-for-test", headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert response.get_data(as_text=True) == seen
