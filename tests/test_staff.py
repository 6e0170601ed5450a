"""An organisation's admin manages staff from the web; the CLI keeps working."""

from __future__ import annotations

import re

from sqlalchemy import select

from courses.people.models import ClassSession, Role, StaffLink, User
from courses.platform.db import get_session
from tests.conftest import csrf_from
from tests.facilitation import PASSWORD, staff_client

NEW_PASSWORD = "a new password for rina"


def create(admin, **fields: str):
    data = {"username": "rina", "display_name": "Rina", "role": "facilitator", **fields}
    data["csrf_token"] = csrf_from(admin, "/staff")
    return admin.post("/staff", data=data, headers={"Accept-Language": "en"})


def link_in(response) -> str:
    match = re.search(r"(/set-password/[\w-]+)", response.get_data(as_text=True))
    assert match, "no one-time link shown"
    return match.group(1)


def set_password(
    client, link: str, password: str = NEW_PASSWORD, again: str | None = None
):
    token = csrf_from(client, link)
    return client.post(
        link,
        data={"password": password, "again": again or password, "csrf_token": token},
        headers={"Accept-Language": "en"},
    )


def sign_in(client, username: str, password: str):
    token = csrf_from(client, "/login")
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_an_admin_creates_a_facilitator_who_sets_a_password_once(app):
    admin = staff_client(app, "boss", Role.ADMIN)
    created = create(admin)
    assert created.status_code == 200
    link = link_in(created)
    with app.app_context():
        stored = get_session().scalars(select(StaffLink)).one()
        assert link.rsplit("/", 1)[1] not in stored.token_hash  # only a hash is kept
    rina = app.test_client()
    assert sign_in(rina, "rina", NEW_PASSWORD).status_code == 400  # no password yet
    short = set_password(rina, link, "too short")
    assert short.status_code == 400 and "at least 12" in short.get_data(as_text=True)
    mismatch = set_password(rina, link, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert mismatch.status_code == 400 and "not the same" in mismatch.get_data(
        as_text=True
    )
    assert set_password(rina, link).status_code == 302
    assert sign_in(rina, "rina", NEW_PASSWORD).status_code == 302
    used = app.test_client().get(link, headers={"Accept-Language": "en"})
    assert used.status_code == 404 and "does not work" in used.get_data(as_text=True)


def test_a_new_link_replaces_the_old_one(app):
    admin = staff_client(app, "boss", Role.ADMIN)
    first = link_in(create(admin))
    page = admin.get("/staff").get_data(as_text=True)
    rina_id = re.search(r"/staff/([\w-]{16})/link", page.split("rina")[1]).group(1)
    second = admin.post(
        f"/staff/{rina_id}/link", data={"csrf_token": csrf_from(admin, "/staff")}
    )
    assert app.test_client().get(first).status_code == 404
    assert set_password(app.test_client(), link_in(second)).status_code == 302


def test_form_errors_are_sentences_and_keep_what_was_typed(app):
    admin = staff_client(app, "boss", Role.ADMIN)
    taken = create(admin, username="boss")
    assert taken.status_code == 400 and "That username is taken" in taken.get_data(
        as_text=True
    )
    bad = create(admin, username="no spaces please", display_name="Rina S")
    text = bad.get_data(as_text=True)
    assert (
        bad.status_code == 400 and "small letters" in text and 'value="Rina S"' in text
    )


def test_deactivating_signs_out_at_once_and_blocks_sign_in(app):
    admin = staff_client(app, "boss", Role.ADMIN)
    guru = staff_client(app, "guru")
    assert guru.get("/sessions/").status_code == 200
    page = admin.get("/staff").get_data(as_text=True)
    guru_id = re.search(
        r"/staff/([\w-]{16})/deactivate", page.split('dir="ltr">guru<')[1]
    ).group(1)
    admin.post(
        f"/staff/{guru_id}/deactivate", data={"csrf_token": csrf_from(admin, "/staff")}
    )
    assert guru.get("/sessions/").status_code == 302  # signed out
    assert sign_in(app.test_client(), "guru", PASSWORD).status_code == 400
    admin.post(
        f"/staff/{guru_id}/activate", data={"csrf_token": csrf_from(admin, "/staff")}
    )
    assert sign_in(app.test_client(), "guru", PASSWORD).status_code == 302


def test_an_admin_sees_only_their_organisations_staff(app):
    staff_client(app, "guru")
    other = staff_client(app, "stranger", Role.ADMIN, "Other NGO")
    page = other.get("/staff").get_data(as_text=True)
    assert "guru" not in page and "stranger" in page
    with app.app_context():
        guru_id = (
            get_session().scalars(select(User).where(User.username == "guru")).one()
        )
        public_id = guru_id.public_id
    token = csrf_from(other, "/staff")
    for action in ("link", "deactivate", "activate"):
        assert (
            other.post(
                f"/staff/{public_id}/{action}", data={"csrf_token": token}
            ).status_code
            == 404
        )


def test_the_cli_says_how_to_give_a_password_without_a_terminal(app, monkeypatch):
    monkeypatch.delenv("JARING_PASSWORD", raising=False)
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--username", "ana", "--role", "admin"], input=""
    )
    assert result.exit_code == 1
    assert "there is no terminal to ask for one" in result.output
    assert "JARING_PASSWORD" in result.output and "Aborted" not in result.output


def test_the_cli_creates_lists_and_closes(app, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("JARING_PASSWORD", "short")
    refused = runner.invoke(
        args=["users", "create", "--username", "ana", "--role", "admin"]
    )
    assert refused.exit_code == 1 and "at least 12 characters" in refused.output
    monkeypatch.setenv("JARING_PASSWORD", PASSWORD)
    made = runner.invoke(
        args=["users", "create", "--username", "ana", "--role", "facilitator"]
    )
    assert made.exit_code == 0, made.output
    listed = runner.invoke(args=["users", "list"])
    assert "ana\tfacilitator\tJaring\tactive" in listed.output
    unknown = runner.invoke(
        args=["sessions", "create", "--title", "9B", "--facilitator", "nobody"]
    )
    assert unknown.exit_code == 1 and "no active facilitator" in unknown.output
    created = runner.invoke(
        args=["sessions", "create", "--title", "Desa Sukamaju", "--facilitator",
              "ana", "--kind", "village", "--course", "sample-course", "--district",
              "Lombok Timur"]
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    code = created.output.strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    assert f"{code}\topen" in runner.invoke(args=["sessions", "list"]).output
    assert runner.invoke(args=["sessions", "close", code]).exit_code == 0
    assert f"{code}\tclosed" in runner.invoke(args=["sessions", "list"]).output
    with app.app_context():
        found = get_session().scalars(select(ClassSession)).one()
        assert (found.kind, found.district, found.facilitator.username) == (
            "village",
            "Lombok Timur",
            "ana",
        )
