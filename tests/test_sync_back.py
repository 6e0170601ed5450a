"""Sync back (issue 14, point 3 the other way): a laptop pulls its own learners.

After a push, the laptop asks the server (POST /sync/pull, signed) for the names,
personal-code hashes and deletions of the learners that came from it, verifies the
server's signed answer and applies it in one transaction. The fixtures are those of
tests/test_sync.py: a laptop on SQLite, the central server on the test database.
"""

from __future__ import annotations

import gzip
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from courses.people import accounts
from courses.people.models import Membership, Role, Tombstone, User
from courses.people.sync import enrolment, pull, signing, transport
from courses.people.sync.errors import SyncRefused
from courses.platform.db import get_session
from courses.platform.keys import enrolment_path
from tests import test_sync
from tests.conftest import csrf_from
from tests.facilitation import join_code_of, learner, new_session, staff_client
from tests.sync_helpers import snapshot
from tests.test_session_results import post
from tests.test_sync import cli, resume

# The fixtures of tests/test_sync.py, shared rather than copied.
admin, central, content, guru = (
    test_sync.admin, test_sync.central, test_sync.content, test_sync.guru
)  # fmt: skip
laptop, second_laptop, other_laptop, wire = (
    test_sync.laptop, test_sync.second_laptop, test_sync.other_laptop, test_sync.wire
)  # fmt: skip


@pytest.fixture
def back(central: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Send the laptop's pulls to the central app's /sync/pull (in process).

    `tamper` changes the answer's bytes on the way; `answers` keeps each answer.
    """
    state: dict[str, object] = {"tamper": None, "answers": []}
    client = central.test_client()

    def post_pull(
        server: str, device: str, body: bytes, signature: str, timeout: float = 60
    ) -> tuple[bytes, str]:
        headers = {
            transport.DEVICE_HEADER: device,
            transport.SIGNATURE_HEADER: signature,
        }
        response = client.post("/sync/pull", data=body, headers=headers)
        assert response.status_code < 500
        if response.status_code != 200:
            data = response.get_json()
            raise SyncRefused(data["error"], data.get("where", ""))
        data = response.get_data()
        state["answers"].append(json.loads(gzip.decompress(data)))  # type: ignore[attr-defined]
        if state["tamper"]:
            data = state["tamper"](data)  # type: ignore[operator]
        return data, response.headers[transport.SIGNATURE_HEADER]

    monkeypatch.setattr(transport, "post_pull", post_pull)
    return state


def new_code_on(app: Flask, personal: str) -> str:
    """Sign in with a personal code and take a new one at /me; return it."""
    client = resume(app, personal)
    token = csrf_from(client, "/me/")
    page = client.post("/me/new-code", data={"csrf_token": token})
    return re.search(
        r'class="personal-code"[^>]*>([A-Z0-9-]+)<', page.get_data(as_text=True)
    ).group(1)


def refused(app: Flask, personal: str) -> bool:
    """Return True if the personal code does not sign in on this machine."""
    client = app.test_client()
    token = csrf_from(client, "/resume")
    data = {"personal_code": personal, "csrf_token": token}
    return client.post("/resume", data=data).status_code == 400


def member_ids(client: FlaskClient, public_id: str) -> dict[str, str]:
    """Return the learners' member ids of a session page, by display name."""
    page = client.get(f"/sessions/{public_id}/learners").get_data(as_text=True)
    found = re.findall(r'id="learner-([\w-]{16})" dir="auto">([^<]+)<', page)
    return {name: member for member, name in found}


def learner_names(app: Flask) -> set[str]:
    """Return the display names of every learner on a machine."""
    return {name for name, _code in snapshot(app)["learners"].values()}


def test_a_new_code_taken_on_the_server_signs_in_on_the_laptop_after_a_pull(
    laptop, central, guru, wire, back
):
    public_id = new_session(guru, items=("tested-course",))
    _phone, old = learner(laptop, join_code_of(guru, public_id), "Ayu")
    assert cli(laptop, "sync", "push").exit_code == 0
    new = new_code_on(central, old)
    assert refused(laptop, new) and not refused(laptop, old)  # before the pull
    result = cli(laptop, "sync", "pull")
    assert result.exit_code == 0, result.output
    assert "1 learners updated, 0 learners or memberships deleted" in result.output
    resume(laptop, new)
    assert refused(laptop, old)
    assert snapshot(laptop)["learners"] == snapshot(central)["learners"]
    again = cli(laptop, "sync", "pull")  # nothing new: nothing changes
    assert "0 learners updated" in again.output


def test_deletions_on_the_server_reach_the_laptop_and_stay_deleted(
    laptop, central, guru, admin, wire, back
):
    public_id = new_session(guru, items=("tested-course",))
    code = join_code_of(guru, public_id)
    personal = {
        name: learner(laptop, code, name)[1] for name in ("Ayu", "Budi", "Citra")
    }
    assert cli(laptop, "sync", "push").exit_code == 0
    ids = member_ids(admin, public_id)  # the admin sees the synced session
    base = f"/sessions/{public_id}/learners"
    assert post(admin, f"{base}/{ids['Ayu']}/delete", confirm="yes").status_code == 302
    assert post(admin, f"{base}/{ids['Citra']}/remove").status_code == 302
    budi = resume(central, personal["Budi"])  # Budi deletes their own data
    token = csrf_from(budi, "/me/data")
    budi.post("/me/delete", data={"csrf_token": token, "confirm": "yes"})
    assert learner_names(central) == {"Citra"}
    page = guru.post("/sync/send", data={"csrf_token": csrf_from(guru, "/sync")})
    assert page.status_code == 302
    shown = guru.get("/sync").get_data(as_text=True)
    assert "0 learners updated, 3 learners or memberships deleted" in shown
    assert learner_names(laptop) == {"Citra"}
    assert member_ids(guru, public_id) == {}  # Citra is no longer in the session
    with laptop.app_context():
        buried = set(get_session().execute(select(Tombstone.kind, Tombstone.public_id)))
    assert {kind for kind, _id in buried} == {"learner", "membership"}
    assert refused(laptop, personal["Ayu"]) and refused(laptop, personal["Budi"])
    # A later push, even of everything, brings nothing back to the server.
    assert cli(laptop, "sync", "push", "--all").exit_code == 0
    assert learner_names(central) == {"Citra"}
    assert snapshot(central)["memberships"] == snapshot(laptop)["memberships"] == {}


def test_the_answer_holds_only_this_laptops_own_learners(
    laptop, second_laptop, other_laptop, central, guru, wire, back
):
    first = new_session(guru, items=("tested-course",))
    ours = {learner(laptop, join_code_of(guru, first), "Ayu")[1]}
    for app, name in ((second_laptop, "guru"), (other_laptop, "orang")):
        teacher = staff_client(app, name)
        theirs = new_session(teacher, items=("tested-course",))
        learner(app, join_code_of(teacher, theirs), "Tamu")
        learner(app, join_code_of(teacher, theirs), "Pergi")
    boss = staff_client(central, "bos", role=Role.ADMIN)
    made_here = new_session(boss, items=("tested-course",))
    learner(central, join_code_of(boss, made_here), "Pusat")
    for app in (laptop, second_laptop, other_laptop):
        assert cli(app, "sync", "push").exit_code == 0
    with central.app_context():  # a learner of each other laptop deleted centrally
        db = get_session()
        for gone in db.scalars(select(User).where(User.display_name == "Pergi")):
            accounts.delete_account(db, gone)
    assert cli(laptop, "sync", "pull").exit_code == 0
    (answer,) = back["answers"]
    assert set(answer) == {
        "format", "device", "organisation", "nonce", "learners", "tombstones"
    }  # fmt: skip
    assert [item["display_name"] for item in answer["learners"]] == ["Ayu"]
    assert set(answer["learners"][0]) == {"id", "display_name", "code_hash"}
    assert answer["tombstones"] == []
    assert ours and snapshot(laptop)["learners"].keys() == {
        item["id"] for item in answer["learners"]
    }


def laptop_state(app: Flask) -> dict:
    """Return everything a pull could change on the laptop."""
    with app.app_context():
        db = get_session()
        tombstones = set(db.scalars(select(Tombstone.public_id)))
        members = set(db.scalars(select(Membership.public_id)))
    return {**snapshot(app), "tombstones": tombstones, "members": members}


@pytest.fixture
def pending(laptop, central, guru, wire, back) -> tuple[str, str]:
    """A learner pushed from the laptop who then took a new code on the server."""
    public_id = new_session(guru, items=("tested-course",))
    _phone, old = learner(laptop, join_code_of(guru, public_id), "Ayu")
    assert cli(laptop, "sync", "push").exit_code == 0
    return old, new_code_on(central, old)


def test_a_revoked_key_pulls_nothing(laptop, central, admin, pending):
    before = laptop_state(laptop)
    page = admin.get("/sync/devices").get_data(as_text=True)
    (device_id,) = re.findall(r'data-device="([\w-]+)"', page)
    token = csrf_from(admin, "/sync/devices")
    admin.post(f"/sync/devices/{device_id}/revoke", data={"csrf_token": token})
    result = cli(laptop, "sync", "pull")
    assert result.exit_code == 1 and "key was revoked" in result.output
    assert "Nothing changed on this laptop." in result.output
    assert laptop_state(laptop) == before


def test_a_forged_or_stale_request_is_refused_like_a_push(laptop, central, pending):
    client = central.test_client()
    with laptop.app_context():
        enrolled = enrolment.load(enrolment_path())
    request = pull.make_request(enrolled)
    headers = {
        transport.DEVICE_HEADER: enrolled.device,
        transport.SIGNATURE_HEADER: "0" * 64,
    }
    forged = client.post("/sync/pull", data=request.body, headers=headers)
    assert forged.status_code == 403 and forged.get_json()["error"] == "bad-signature"
    assert set(forged.get_json()) == {"error", "where", "message"}  # never data
    headers[transport.DEVICE_HEADER] = "A" * 16
    unknown = client.post("/sync/pull", data=request.body, headers=headers)
    assert unknown.status_code == 403
    assert unknown.get_json()["error"] == "unknown-device"
    stale = json.loads(request.body)
    stale["sent_at"] = "2020-01-01T00:00:00+00:00"
    body = json.dumps(stale).encode()
    headers = {
        transport.DEVICE_HEADER: enrolled.device,
        transport.SIGNATURE_HEADER: signing.sign(enrolled.key, body),
    }
    replayed = client.post("/sync/pull", data=body, headers=headers)
    assert replayed.status_code == 400 and replayed.get_json()["error"] == "expired"
    assert set(replayed.get_json()) == {"error", "where", "message"}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d[:-1] + bytes([d[-1] ^ 1]),
        lambda d: d[: len(d) // 2],
        lambda d: gzip.compress(
            gzip.decompress(d).replace(b'"learners":[', b'"learners":[{"id":"x"},')
        ),
    ],
    ids=["altered", "cut", "rewritten"],
)
def test_an_answer_changed_on_the_way_is_refused_and_changes_nothing(
    laptop, guru, back, pending, tamper
):
    old, new = pending
    before = laptop_state(laptop)
    back["tamper"] = tamper
    result = cli(laptop, "sync", "pull")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "does not carry this laptop's signature" in result.output
    assert laptop_state(laptop) == before
    assert refused(laptop, new) and not refused(laptop, old)
    page = guru.post("/sync/send", data={"csrf_token": csrf_from(guru, "/sync")})
    assert page.status_code == 302
    shown = guru.get("/sync", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "nothing changed on this" in shown
    assert laptop_state(laptop) == before


def test_an_answer_to_another_request_is_refused(laptop, back, pending):
    """A recorded answer replayed to the laptop does not match its new nonce."""
    with laptop.app_context():
        enrolled = enrolment.load(enrolment_path())
    first = pull.make_request(enrolled)
    second = pull.make_request(enrolled)
    body, signature = transport.post_pull(
        "", enrolled.device, first.body, first.signature
    )
    pull.read_answer(enrolled, first, body, signature)  # its own request: fine
    with pytest.raises(SyncRefused) as refusal:
        pull.read_answer(enrolled, second, body, signature)
    assert refusal.value.code == "bad-answer"


def test_send_now_takes_the_servers_new_code_before_sending_a_renamed_learner(
    laptop, central, guru, wire, back
):
    public_id = new_session(guru, items=("tested-course",))
    _phone, old = learner(laptop, join_code_of(guru, public_id), "Ayu")
    assert cli(laptop, "sync", "push").exit_code == 0
    new = new_code_on(central, old)  # on the server
    member = member_ids(guru, public_id)["Ayu"]  # a typo fixed on the laptop
    rename = f"/sessions/{public_id}/learners/{member}/rename"
    assert post(guru, rename, name="Ayu S").status_code == 302
    page = guru.post("/sync/send", data={"csrf_token": csrf_from(guru, "/sync")})
    assert page.status_code == 302
    for app in (central, laptop):  # the new code everywhere, the new name too
        resume(app, new)
        assert refused(app, old)
    assert learner_names(central) == learner_names(laptop) == {"Ayu S"}
