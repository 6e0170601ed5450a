"""Accounts: join with a code, resume with a personal code, staff, sign-out."""

import os
import re

import pytest
from sqlalchemy import select

from app import create_app  # noqa: F401 - the app fixture builds it
from courses.people import codes
from courses.people.models import Role, User
from courses.platform.db import get_session
from courses.platform.extensions import limiter
from tests.conftest import csrf_from
from tests.factories import make_class_session, make_staff
from tests.helpers import join


def test_join_creates_a_learner_with_a_hashed_personal_code(app, client):
    code = make_class_session(app)
    personal = join(client, code, "Ayu")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", personal)
    with app.app_context():
        user = get_session().scalars(select(User)).one()
        assert user.display_name == "Ayu"
        assert user.role == "learner"
        assert user.username is None and user.password_hash is None
        # Hashed under the organisation's key, derived from CODE_KEY (so a laptop
        # enrolled with that organisation key makes the same hash).
        master = app.config["CODE_KEY"].encode()
        key = codes.organisation_key(master, user.organisation.public_id)
        assert user.resume_code_hash == codes.code_hash(personal, key)
        assert user.resume_code_hash != codes.code_hash(personal, master)
        assert user.resume_code_hash.startswith("h1:")
        assert codes.normalise(personal) not in user.resume_code_hash
        # Without the server's key the stored hash is not the code's plain SHA-256.
        assert user.resume_code_hash[3:] != codes.legacy_hash(personal)
    assert "Ayu" in client.get("/me/").get_data(as_text=True)


def test_personal_code_has_at_least_40_random_bits():
    import math

    bits = codes.PERSONAL_CODE_LENGTH * math.log2(len(codes.ALPHABET))
    assert bits >= 40
    assert not set("01OIL") & set(codes.ALPHABET)


def test_join_with_unknown_code_or_bad_name_is_400_in_the_readers_language(app, client):
    code = make_class_session(app)
    token = csrf_from(client, "/join")
    cases = [
        ({"join_code": "ZZZZZZ", "display_name": "Ayu"}, "Kode kelas"),
        ({"join_code": code, "display_name": ""}, None),
        ({"join_code": code, "display_name": "A\u202eyu"}, None),
        ({"join_code": code, "display_name": "x" * 41}, None),
    ]
    for data, fragment in cases:
        response = client.post(
            "/join",
            data={**data, "csrf_token": token},
            headers={"Accept-Language": "id"},
        )
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert 'aria-invalid="true"' in html
        if fragment:
            assert fragment in html


def test_resume_on_a_second_device_and_sign_out(app, client):
    code = make_class_session(app)
    personal = join(client, code, "Budi")
    other = app.test_client()
    token = csrf_from(other, "/resume")
    typed = personal.lower().replace("-", " ")  # people type codes loosely
    response = other.post("/resume", data={"personal_code": typed, "csrf_token": token})
    assert response.status_code == 302
    assert "Budi" in other.get("/me/").get_data(as_text=True)


def test_wrong_personal_code_is_400_and_generic(app, client):
    make_class_session(app)
    token = csrf_from(client, "/resume")
    response = client.post(
        "/resume", data={"personal_code": "AAAAA-AAAAA", "csrf_token": token}
    )
    assert response.status_code == 400
    assert client.get("/me/").status_code == 302


def test_sign_out_really_ends_the_session(app, client):
    code = make_class_session(app)
    join(client, code)
    copied = client.get_cookie("session").value
    token = csrf_from(client, "/me/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/me/")
    assert response.status_code == 302
    assert "/start" in response.headers["Location"]


def test_session_cookie_flags(app, client):
    code = make_class_session(app)
    token = csrf_from(client, "/join")
    response = client.post(
        "/join", data={"join_code": code, "display_name": "Ayu", "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # not kept after the browser closes unless asked


def test_staff_sign_in_with_a_generic_error(app, client):
    make_staff(app, "guru", "correct horse battery")
    token = csrf_from(client, "/login")
    unknown = client.post(
        "/login", data={"username": "nobody", "password": "x" * 12, "csrf_token": token}
    )
    wrong = client.post(
        "/login", data={"username": "guru", "password": "x" * 12, "csrf_token": token}
    )
    assert unknown.status_code == wrong.status_code == 400

    def without_tokens(response):
        body = response.get_data(as_text=True).replace("nobody", "guru")
        return re.sub(r'(value="|"X-CSRFToken": ")[^"]+"', "", body)

    assert without_tokens(unknown) == without_tokens(wrong)
    right = client.post(
        "/login?next=//evil.example",
        data={
            "username": "GURU",
            "password": "correct horse battery",
            "csrf_token": token,
        },
    )
    assert right.status_code == 302
    assert right.headers["Location"] == "/sessions/"  # a facilitator starts there


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short", False),
        ("elevenchars", False),
        ("password1234", False),
        ("aaaaaaaaaaaaaa", False),
        ("correct horse battery", True),
        ("ümlauts und 空白 🙂 " * 4, True),
    ],
)
def test_password_policy_and_hashing(app, password, ok):
    from courses.people.accounts import AccountError

    if not ok:
        with pytest.raises(AccountError):
            make_staff(app, "t", password)
        return
    make_staff(app, "t", password)
    with app.app_context():
        user = get_session().scalars(select(User).where(User.username == "t")).one()
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
        assert password not in user.password_hash
        assert user.role == Role.FACILITATOR.value
    client = app.test_client()
    token = csrf_from(client, "/login")
    response = client.post(
        "/login", data={"username": "t", "password": password, "csrf_token": token}
    )
    assert response.status_code == 302


REDIS_URL = "redis://127.0.0.1:6379"


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_personal_code_guessing_is_rate_limited_with_a_clear_message(
    app_factory, storage
):
    settings = {"RATELIMIT_ENABLED": True}
    if storage == "redis":
        if not redis_reachable() and os.environ.get("CI") != "true":
            pytest.skip("Redis is not running here (CI starts it and never skips)")
        settings["RATELIMIT_STORAGE_URI"] = REDIS_URL
    app = app_factory(**settings)
    with app.app_context():
        limiter.reset()  # counters from an earlier run must not count here
    client = app.test_client()
    token = csrf_from(client, "/resume")
    statuses = [
        client.post(
            "/resume", data={"personal_code": "AAAAA-AAAAA", "csrf_token": token}
        ).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [400] * 10
    limited = client.post(
        "/resume",
        data={"personal_code": "AAAAA-AAAAA", "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert limited.status_code == 429
    assert "Too many tries" in limited.get_data(as_text=True)


def test_a_class_of_sixty_behind_one_router_can_all_join(app_factory):
    app = app_factory(RATELIMIT_ENABLED=True)
    code = make_class_session(app)
    for number in range(60):
        client = app.test_client()  # same address 127.0.0.1 for all
        join(client, code, f"Learner {number}")
    with app.app_context():
        assert len(get_session().scalars(select(User)).all()) == 60
