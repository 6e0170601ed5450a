"""Issue 14: a laptop's records reach the organisation's server exactly once.

The laptop is an app on SQLite; the central server an app on the test database
(SQLite, and PostgreSQL when TEST_DATABASE_URL is set). Pushes go through the
central app's real /sync/push endpoint; files through `flask sync export/import`
and the admin's import page. tests/test_sync_servers.py does the same with two
real server processes.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from courses.people import codes
from courses.people.models import (
    ClassSession,
    Device,
    Membership,
    ModuleProgress,
    QuizAttempt,
    Role,
    Tombstone,
    User,
)
from courses.people.sync import bundle, enrolment, outbox, signing, transport
from courses.people.sync.errors import SyncRefused
from courses.people.sync.records import KINDS, Outgoing, collect
from courses.platform.db import get_engine, get_session
from courses.platform.keys import enrolment_path
from tests.conftest import csrf_from, make_app
from tests.facilitation import (
    answer,
    content_with_tests,
    join_code_of,
    learner,
    new_session,
    staff_client,
)
from tests.sync_helpers import (
    CENTRAL_KEYS,
    LAPTOP_KEYS,
    add_device,
    count_rows,
    enrol,
    snapshot,
)
from tests.test_session_results import PRE, play_a_village_day, post


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return content_with_tests(tmp_path)


@pytest.fixture
def central(database_url: str, tmp_path: Path, content: Path) -> Iterator[Flask]:
    """The organisation's server, on the test database."""
    app = make_app(
        database_url, tmp_path / "central", CONTENT_DIR=content, **CENTRAL_KEYS
    )
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def laptop(tmp_path: Path, content: Path) -> Iterator[Flask]:
    """A village laptop on SQLite, pushing in chunks of 4 records."""
    url = f"sqlite:///{tmp_path / 'laptop.sqlite3'}"
    app = make_app(
        url, tmp_path / "laptop", CONTENT_DIR=content, SYNC_CHUNK_RECORDS=4,
        **LAPTOP_KEYS,
    )  # fmt: skip
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def admin(central: Flask) -> FlaskClient:
    """The organisation's admin on the central server."""
    return staff_client(
        central,
        "kepala",
        role=Role.ADMIN,
    )


@pytest.fixture
def wire(central: Flask, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """Send the laptop's pushes to the central app's /sync/push (in process).

    `cut_after` > 0 drops the answer of that push (the server stored it, the laptop
    never heard back), as a connection cut halfway would.
    """
    state: dict[str, object] = {"calls": 0, "cut_after": 0}
    client = central.test_client()

    def post_bundle(
        server: str, device: str, body: bytes, signature: str, timeout: float = 60
    ) -> dict:
        state["calls"] = int(state["calls"]) + 1
        headers = {
            transport.DEVICE_HEADER: device,
            transport.SIGNATURE_HEADER: signature,
        }
        response = client.post("/sync/push", data=body, headers=headers)
        data = response.get_json()
        assert response.status_code < 500
        if state["calls"] == state["cut_after"]:
            raise SyncRefused("unreachable")
        if response.status_code != 200:
            raise SyncRefused(data["error"], data.get("where", ""))
        return data

    monkeypatch.setattr(transport, "post_bundle", post_bundle)
    return state


@pytest.fixture
def guru(laptop: Flask, central: Flask, tmp_path: Path) -> FlaskClient:
    """The facilitator on an enrolled laptop (same username on the server)."""
    enrol(laptop, add_device(central), tmp_path)
    staff_client(central, "guru")  # the same person has an account centrally
    return staff_client(laptop, "guru")


def cli(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def report_rows(client: FlaskClient) -> list[list[str]]:
    data = client.get("/reports.csv?from=&to=").data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data)))


def test_a_village_day_reaches_the_server_once_and_its_report_is_equal(
    laptop, central, guru, admin, wire
):
    play_a_village_day(laptop, guru)
    page = guru.get("/sync").get_data(as_text=True)
    assert re.search(r'data-kind="attempts">6<', page)  # 3 learners x pre, post
    result = cli(laptop, "sync", "push")
    assert result.exit_code == 0, result.output
    assert int(wire["calls"]) > 3  # several chunks of 4 records
    assert snapshot(central) == snapshot(laptop)
    laptop_rows, central_rows = report_rows(guru), report_rows(admin)
    assert len(central_rows) == 2 and central_rows[0][-1] == "From device"
    assert central_rows[1][:-1] == laptop_rows[1][:-1]
    assert central_rows[1][-1] == "Laptop 1"
    assert "Everything on this laptop has reached" in guru.get("/sync").get_data(
        as_text=True
    )
    again = cli(laptop, "sync", "push", "--all")  # everything once more: no change
    assert again.exit_code == 0 and "0 new, 0 changed" in again.output
    assert snapshot(central) == snapshot(laptop)
    with central.app_context():
        session = get_session().scalars(select(ClassSession)).one()
        assert session.facilitator.username == "guru" and session.device_id is not None
        device = get_session().scalars(select(Device)).one()
        assert (
            device.records_received
            == sum(len(v) for v in snapshot(laptop).values()) + 0
            or device.records_received > 0
        )
        assert device.last_sync_at is not None and device.last_error is None


def test_a_learner_signs_in_on_the_server_with_the_code_from_the_laptop(
    laptop, central, guru, wire
):
    public_id = new_session(guru, items=("tested-course",))
    phone, personal = learner(laptop, join_code_of(guru, public_id), "Ayu")
    answer(phone, PRE, {"q.fee": "b", "q.passport": "a"})
    assert cli(laptop, "sync", "push").exit_code == 0
    client = central.test_client()
    token = csrf_from(client, "/resume")
    response = client.post(
        "/resume", data={"personal_code": personal, "csrf_token": token}
    )
    assert response.status_code == 302
    progress = client.get("/me/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Ayu" in progress
    # Neither machine stores the code: only its HMAC under the organisation's key.
    with central.app_context():
        stored = (
            get_session()
            .scalars(select(User.resume_code_hash).where(User.display_name == "Ayu"))
            .one()
        )
    assert codes.normalise(personal) not in stored and stored.startswith("h1:")


def test_a_code_made_on_the_server_works_on_an_enrolled_laptop(laptop, central, guru):
    """The other way: both machines hash under the same organisation key."""
    admin_client = staff_client(
        central,
        "boss",
        role=Role.ADMIN,
    )
    public_id = new_session(admin_client, items=("tested-course",))
    _phone, personal = learner(central, join_code_of(admin_client, public_id), "Sari")
    with central.app_context():
        stored = (
            get_session()
            .scalars(select(User.resume_code_hash).where(User.display_name == "Sari"))
            .one()
        )
    with laptop.app_context():
        key = enrolment.load(enrolment_path()).code_key.encode()
    assert codes.code_hash(personal, key) == stored


def test_an_older_keyed_code_still_works_and_is_moved_to_the_organisation_key(
    central, content
):
    public_id_client = staff_client(
        central,
        "boss2",
        role=Role.ADMIN,
    )
    public_id = new_session(public_id_client, items=("tested-course",))
    _phone, personal = learner(
        central, join_code_of(public_id_client, public_id), "Tono"
    )
    with central.app_context():
        db = get_session()
        user = db.scalars(select(User).where(User.display_name == "Tono")).one()
        user.resume_code_hash = codes.code_hash(
            personal, central.config["CODE_KEY"].encode()
        )
        db.commit()
    client = central.test_client()
    token = csrf_from(client, "/resume")
    assert (
        client.post(
            "/resume", data={"personal_code": personal, "csrf_token": token}
        ).status_code
        == 302
    )
    with central.app_context():
        user = (
            get_session().scalars(select(User).where(User.display_name == "Tono")).one()
        )
        key = codes.organisation_key(
            central.config["CODE_KEY"].encode(), user.organisation.public_id
        )
        assert user.resume_code_hash == codes.code_hash(personal, key)


def export(laptop: Flask, tmp_path: Path, name: str = "bundle.jaring") -> Path:
    file = tmp_path / name
    result = cli(laptop, "sync", "export", str(file))
    assert result.exit_code == 0, result.output
    return file


def test_a_bundle_file_imported_twice_changes_nothing(
    laptop, central, guru, admin, tmp_path
):
    play_a_village_day(laptop, guru)
    file = export(laptop, tmp_path)
    first = cli(central, "sync", "import", str(file))
    assert first.exit_code == 0 and "30 new, 0 changed" in first.output, first.output
    assert snapshot(central) == snapshot(laptop)
    second = cli(central, "sync", "import", str(file))
    assert second.exit_code == 0 and "imported before: nothing changed" in second.output
    token = csrf_from(admin, "/sync/import")
    with file.open("rb") as fh:
        page = admin.post(
            "/sync/import", data={"csrf_token": token, "bundle": (fh, "b.jaring")}
        )
    assert page.status_code == 200 and "nothing changed" in page.get_data(as_text=True)
    assert snapshot(central) == snapshot(laptop)
    assert count_rows(central, QuizAttempt) == 6


@pytest.mark.parametrize(
    "damage, sentence",
    [
        (lambda d: d[: len(d) // 2], "signature does not match"),
        (lambda d: d[:-1] + bytes([d[-1] ^ 1]), "signature does not match"),
        (lambda d: b"hello" + d, "not a Jaring sync bundle"),
        (lambda d: d[:40], "not a Jaring sync bundle"),
    ],
    ids=["truncated", "altered", "not-a-bundle", "cut-in-header"],
)
def test_a_damaged_file_is_refused_whole_with_a_sentence(
    laptop, central, guru, admin, tmp_path, damage, sentence
):
    play_a_village_day(laptop, guru)
    file = export(laptop, tmp_path)
    file.write_bytes(damage(file.read_bytes()))
    result = cli(central, "sync", "import", str(file))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert sentence in result.output and "Nothing was imported." in result.output
    token = csrf_from(admin, "/sync/import")
    with file.open("rb") as fh:
        page = admin.post(
            "/sync/import", data={"csrf_token": token, "bundle": (fh, "b.jaring")},
            headers={"Accept-Language": "id"},
        )  # fmt: skip
    assert page.status_code == 400
    assert "Tidak ada yang diimpor." in page.get_data(
        as_text=True
    )  # the reader's language
    assert count_rows(central, ClassSession) == 0 and count_rows(central, User) == 2


def test_a_push_cut_off_halfway_is_resent_and_nothing_is_lost_or_doubled(
    laptop, central, guru, wire
):
    play_a_village_day(laptop, guru)
    wire["cut_after"] = 3  # the server stored the third chunk; its answer was lost
    cut = cli(laptop, "sync", "push")
    assert cut.exit_code == 1 and "cannot be reached" in cut.output
    with laptop.app_context():
        left = sum(outbox.unsent_counts(get_session()).values())
    assert left == 30 - 8  # two chunks of 4 acknowledged, the third not
    # Chunks in order: session and 3 learners; 3 memberships and 1 progress; then
    # 4 progress rows, stored although the laptop never heard so.
    assert count_rows(central, ModuleProgress) == 5
    wire["cut_after"] = 0
    resent = cli(laptop, "sync", "push")
    assert resent.exit_code == 0, resent.output
    assert f"Sent {left} records" in resent.output
    assert snapshot(central) == snapshot(laptop)
    for model, number in ((QuizAttempt, 6), (Membership, 3), (ModuleProgress, 9)):
        assert count_rows(central, model) == number


def test_deletions_travel_and_an_old_bundle_cannot_bring_a_learner_back(
    laptop, central, guru, admin, wire, tmp_path
):
    public_id = new_session(guru, items=("tested-course",))
    code = join_code_of(guru, public_id)
    for name in ("Ayu", "Budi", "Citra"):
        phone, _ = learner(laptop, code, name)
        answer(phone, PRE, {"q.fee": "b", "q.passport": "a"})
    assert cli(laptop, "sync", "push").exit_code == 0
    old_file = export(laptop, tmp_path, "old.jaring")
    with laptop.app_context():
        old_records = collect(get_session())
    page = guru.get(f"/sessions/{public_id}/learners").get_data(as_text=True)
    ids = {
        n: m
        for m, n in re.findall(r'id="learner-([\w-]{16})" dir="auto">([^<]+)<', page)
    }
    base = f"/sessions/{public_id}/learners"
    assert post(guru, f"{base}/{ids['Ayu']}/delete", confirm="yes").status_code == 302
    assert post(guru, f"{base}/{ids['Budi']}/remove").status_code == 302
    pushed = cli(laptop, "sync", "push")
    assert pushed.exit_code == 0 and "2 deletions" in pushed.output, pushed.output
    assert snapshot(central) == snapshot(laptop)

    def names() -> set[str]:
        return {name for name, _code in snapshot(central)["learners"].values()}

    assert names() == {"Budi", "Citra"}
    # The file made before the deletions is older than what arrived since: refused.
    replay = cli(central, "sync", "import", str(old_file))
    assert replay.exit_code == 1 and "older than one already received" in replay.output
    token = csrf_from(admin, "/sync/import")
    with old_file.open("rb") as fh:
        page = admin.post(
            "/sync/import", data={"csrf_token": token, "bundle": (fh, "o")}
        )
    assert page.status_code == 409 and "Nothing was imported." in page.get_data(
        as_text=True
    )
    # Even re-signed as a new bundle, the old copies stay deleted (tombstones win).
    with laptop.app_context():
        enrolled = enrolment.load(enrolment_path())
        stale = [r for r in old_records if r.kind != "tombstones"]
        body, signature, _seq = outbox.make_bundle(
            get_session(), enrolled, stale, "file"
        )
        file = tmp_path / "stale.jaring"
        file.write_bytes(
            __import__("courses.people.sync.bundle", fromlist=["wrap"]).wrap(
                enrolled.device, signature, body
            )
        )
    again = cli(central, "sync", "import", str(file))
    assert again.exit_code == 0 and "0 new, 0 changed, 0 deleted" in again.output, (
        again.output
    )
    assert names() == {"Budi", "Citra"}
    assert snapshot(central) == snapshot(laptop)
    with central.app_context():
        buried = set(get_session().scalars(select(Tombstone.kind)))
    assert buried == {"learner", "membership"}


def ascii_bundle(header: bundle.Header, items: list[Outgoing]) -> bytes:
    """Return a bundle's bytes with every non-ASCII character escaped (valid JSON,
    and the only way to send a lone surrogate such as \\ud800 to the server)."""
    records: dict[str, list] = {kind: [] for kind in KINDS}
    for item in items:
        records[item.kind].append(item.data)
    document = {"format": bundle.FORMAT, **header.__dict__, "records": records}
    return gzip.compress(json.dumps(document).encode())


def signed_file(app: Flask, items: list[Outgoing], path: Path, **header: str) -> Path:
    """Write a bundle of `items` signed with the app's enrolled key."""
    with app.app_context():
        enrolled = enrolment.load(enrolment_path())
        number = outbox.make_bundle(get_session(), enrolled, [], "file")[2] + 1
        head = bundle.header_now(enrolled.device, enrolled.organisation, number)
        head = bundle.Header(**{**head.__dict__, **header})
        body = ascii_bundle(head, items)
        signature = signing.sign(enrolled.key, body)
        path.write_bytes(bundle.wrap(enrolled.device, signature, body))
    return path


@pytest.fixture
def other_laptop(tmp_path: Path, content: Path, central: Flask) -> Iterator[Flask]:
    """A laptop of another organisation, enrolled with the same server."""
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    app = make_app(url, tmp_path / "other", CONTENT_DIR=content, **LAPTOP_KEYS)
    (tmp_path / "o").mkdir()
    enrol(app, add_device(central, "Other NGO", "Their laptop"), tmp_path / "o")
    yield app
    with app.app_context():
        get_engine().dispose()


def test_a_key_adds_only_to_its_own_organisation(
    laptop, central, guru, wire, other_laptop, tmp_path
):
    play_a_village_day(laptop, guru)
    assert cli(laptop, "sync", "push").exit_code == 0
    before = snapshot(central)
    with laptop.app_context():
        ours = collect(get_session())
    # Another organisation's laptop sends records with our ids (a session renamed,
    # a learner renamed): refused whole, naming the record.
    hijack = [
        Outgoing(r.kind, r.key, {**r.data, "title": "Taken"})
        if r.kind == "sessions"
        else r
        for r in ours
        if r.kind in ("sessions", "learners")
    ]
    file = signed_file(other_laptop, hijack, tmp_path / "hijack.jaring")
    result = cli(central, "sync", "import", str(file))
    assert result.exit_code == 1, result.output
    assert "belongs to another organisation or device" in result.output
    assert "Nothing was imported." in result.output
    # A bundle signed by one device that names another organisation.
    with laptop.app_context():
        theirs = enrolment.load(enrolment_path()).organisation
    lying = signed_file(
        other_laptop, [], tmp_path / "lying.jaring", organisation=theirs
    )
    result = cli(central, "sync", "import", str(lying))
    assert (
        result.exit_code == 1 and "organisation other than its device" in result.output
    )
    assert snapshot(central) == before
    with central.app_context():
        errors = dict(
            get_session().execute(select(Device.name, Device.last_error)).all()
        )
    assert errors["Their laptop"] == "wrong-organisation"
    assert errors["Laptop 1"] is None
    listing = staff_client(central, "boss", role=Role.ADMIN, organisation="Other NGO")
    page = listing.get("/sync/devices", headers={"Accept-Language": "vi"})
    assert "Gói ghi tên một tổ chức khác" in page.get_data(as_text=True)


def test_the_admin_of_one_organisation_cannot_import_anothers_bundle(
    central, other_laptop, admin, tmp_path
):
    file = tmp_path / "theirs.jaring"
    assert cli(other_laptop, "sync", "export", str(file)).exit_code == 0
    token = csrf_from(admin, "/sync/import")
    with file.open("rb") as fh:
        page = admin.post(
            "/sync/import", data={"csrf_token": token, "bundle": (fh, "t")}
        )
    assert page.status_code == 400
    assert "does not know" in page.get_data(as_text=True)


def test_a_revoked_key_is_refused_and_a_new_key_replaces_the_old(
    laptop, central, guru, admin, wire, tmp_path
):
    new_session(guru, items=("tested-course",))
    page = admin.get("/sync/devices").get_data(as_text=True)
    (device_id,) = re.findall(r'data-device="([\w-]+)"', page)
    token = csrf_from(admin, "/sync/devices")
    assert (
        admin.post(
            f"/sync/devices/{device_id}/revoke", data={"csrf_token": token}
        ).status_code
        == 302
    )
    result = cli(laptop, "sync", "push")
    assert result.exit_code == 1 and "key was revoked" in result.output
    assert count_rows(central, ClassSession) == 0
    answer_page = admin.post(
        f"/sync/devices/{device_id}/new-key",
        data={"csrf_token": token, "server": "http://central.test"},
    )
    text = re.search(
        r"<textarea[^>]*>(.*?)</textarea>", answer_page.get_data(as_text=True), re.S
    )[1]
    result = cli(laptop, "sync", "push")  # still the old key
    assert result.exit_code == 1 and "signature does not match" in result.output
    enrol(laptop, html.unescape(text), tmp_path)
    assert cli(laptop, "sync", "push").exit_code == 0
    assert count_rows(central, ClassSession) == 1
    listing = admin.get("/sync/devices").get_data(as_text=True)
    assert "Laptop 1" in listing and "Never" not in listing


def test_device_pages_are_for_the_organisations_admin_only(central, admin, tmp_path):
    token = csrf_from(admin, "/sync/devices")
    page = admin.post(
        "/sync/devices", data={"csrf_token": token, "name": "Desa laptop"}
    )
    assert page.status_code == 200 and "jaring-sync-enrolment-1" in page.get_data(
        as_text=True
    )
    listing = admin.get("/sync/devices").get_data(as_text=True)
    assert "Desa laptop" in listing and "jaring-sync-enrolment-1" not in listing  # once
    (device_id,) = re.findall(r'data-device="([\w-]+)"', listing)
    too_long = admin.post("/sync/devices", data={"csrf_token": token, "name": "x" * 81})
    assert too_long.status_code == 400
    other = staff_client(central, "lain", role=Role.ADMIN, organisation="Other NGO")
    token = csrf_from(other, "/sync/devices")
    assert "Desa laptop" not in other.get("/sync/devices").get_data(as_text=True)
    for action in ("revoke", "new-key"):
        response = other.post(
            f"/sync/devices/{device_id}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 404
    facilitator = staff_client(central, "fasil")
    assert facilitator.get("/sync/devices").status_code == 404
    assert facilitator.get("/sync/import").status_code == 404
    assert (
        central.test_client().get("/sync/devices").status_code == 302
    )  # sign in first


def test_a_push_without_a_valid_signature_is_a_clear_4xx(central, admin):
    client = central.test_client()
    assert client.post("/sync/push", data=b"x").status_code == 400
    headers = {transport.DEVICE_HEADER: "A" * 16, transport.SIGNATURE_HEADER: "0" * 64}
    response = client.post("/sync/push", data=b"x", headers=headers)
    assert (
        response.status_code == 403 and response.get_json()["error"] == "unknown-device"
    )
    token = csrf_from(admin, "/sync/devices")
    admin.post("/sync/devices", data={"csrf_token": token, "name": "L"})
    with central.app_context():
        device = get_session().scalars(select(Device)).one().public_id
    headers[transport.DEVICE_HEADER] = device
    response = client.post("/sync/push", data=b"forged", headers=headers)
    assert (
        response.status_code == 403 and response.get_json()["error"] == "bad-signature"
    )
    assert set(response.get_json()) == {"error", "where", "message"}  # never data


def test_progress_is_recomputed_from_attempts_in_any_order(
    laptop, central, guru, tmp_path
):
    public_id = new_session(guru, items=("tested-course",))
    phone, _ = learner(laptop, join_code_of(guru, public_id), "Ayu")
    fifty, hundred = (
        {"q.fee": "b", "q.passport": "b"},
        {"q.fee": "b", "q.passport": "a"},
    )
    zero = {"q.fee": "a", "q.passport": "c"}
    for answers in (fifty, hundred, zero):
        answer(phone, PRE, answers)
    with laptop.app_context():
        records = collect(get_session())
    late = [r for r in records if r.kind != "attempts"]
    attempts = [r for r in records if r.kind == "attempts"]
    # The newest attempt first, alone; then the two older ones in reverse order.
    cli(
        central,
        "sync",
        "import",
        str(signed_file(laptop, [*late, attempts[2]], tmp_path / "a")),
    )
    cli(
        central,
        "sync",
        "import",
        str(signed_file(laptop, attempts[1::-1], tmp_path / "b")),
    )
    with central.app_context():
        row = (
            get_session()
            .scalars(
                select(ModuleProgress).where(ModuleProgress.module_slug == "before")
            )
            .one()
        )
        assert (row.attempt_count, row.best_percent, row.latest_percent) == (3, 100, 0)
        assert row.completed_at is not None
    assert snapshot(central)["progress"] == snapshot(laptop)["progress"]


def test_a_bundle_with_a_bad_record_names_it_and_imports_nothing(
    laptop, central, guru, tmp_path
):
    new_session(guru, items=("tested-course",))
    with laptop.app_context():
        records = collect(get_session())
    bad = [Outgoing(r.kind, r.key, {**r.data, "title": 7}) for r in records]
    result = cli(
        central, "sync", "import", str(signed_file(laptop, bad, tmp_path / "x"))
    )
    assert result.exit_code == 1 and "(sessions[0].title)" in result.output
    orphan = [
        Outgoing(
            "memberships",
            "m",
            {
                "id": "A" * 16,
                "session": "B" * 16,
                "learner": "C" * 16,
                "name_key": "x",
                "joined_at": "2026-12-01T00:00:00+00:00",
            },
        )
    ]
    result = cli(
        central, "sync", "import", str(signed_file(laptop, orphan, tmp_path / "y"))
    )
    assert result.exit_code == 1 and "has not arrived" in result.output
    assert count_rows(central, ClassSession) == 0


def resume(app: Flask, personal: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_from(client, "/resume")
    response = client.post(
        "/resume", data={"personal_code": personal, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def test_a_learner_who_joined_before_enrolment_keeps_their_code_after_sign_in(
    laptop, central, wire, tmp_path
):
    teacher = staff_client(laptop, "guru")
    public_id = new_session(teacher, items=("tested-course",))
    _phone, personal = learner(laptop, join_code_of(teacher, public_id), "Eka")
    enrol(laptop, add_device(central), tmp_path)
    assert cli(laptop, "sync", "push").exit_code == 0
    client = central.test_client()
    token = csrf_from(client, "/resume")
    refused = client.post(
        "/resume", data={"personal_code": personal, "csrf_token": token}
    )
    assert refused.status_code == 400  # hashed under the laptop's own key so far
    resume(laptop, personal)  # signing in on the laptop moves it to the org's key
    assert cli(laptop, "sync", "push").exit_code == 0
    resume(central, personal)


def test_a_learner_who_deletes_their_data_on_the_laptop_is_deleted_centrally(
    laptop, central, guru, wire
):
    public_id = new_session(guru, items=("tested-course",))
    phone, _personal = learner(laptop, join_code_of(guru, public_id), "Fajar")
    answer(phone, PRE, {"q.fee": "b", "q.passport": "a"})
    assert cli(laptop, "sync", "push").exit_code == 0
    assert count_rows(central, QuizAttempt) == 1
    token = csrf_from(phone, "/me/data")
    response = phone.post("/me/delete", data={"csrf_token": token, "confirm": "yes"})
    assert response.status_code in (200, 302)
    assert count_rows(laptop, QuizAttempt) == 0
    assert cli(laptop, "sync", "push").exit_code == 0
    assert count_rows(central, QuizAttempt) == 0
    assert snapshot(central)["learners"] == {}


@pytest.fixture
def second_laptop(tmp_path: Path, content: Path, central: Flask) -> Iterator[Flask]:
    """Another laptop of the same organisation."""
    url = f"sqlite:///{tmp_path / 'second.sqlite3'}"
    app = make_app(url, tmp_path / "second", CONTENT_DIR=content, **LAPTOP_KEYS)
    (tmp_path / "s").mkdir()
    enrol(app, add_device(central, name="Laptop 2"), tmp_path / "s")
    yield app
    with app.app_context():
        get_engine().dispose()


def test_two_laptops_of_one_organisation_never_collide(
    laptop, second_laptop, central, guru, wire, tmp_path
):
    first = new_session(guru, items=("tested-course",))
    learner(laptop, join_code_of(guru, first), "Ayu")
    other = staff_client(second_laptop, "guru")
    second = new_session(other, items=("tested-course",))
    learner(second_laptop, join_code_of(other, second), "Ayu")  # the same name
    with second_laptop.app_context():  # and, by chance, the same join code
        db = get_session()
        row = db.scalars(select(ClassSession)).one()
        row.join_code = join_code_of(guru, first)
        db.commit()
    assert cli(laptop, "sync", "push").exit_code == 0
    assert cli(second_laptop, "sync", "push").exit_code == 0
    with central.app_context():
        sessions = get_session().scalars(select(ClassSession)).all()
        assert len(sessions) == 2 and len({s.join_code for s in sessions}) == 2
        assert {s.device_id for s in sessions} == {1, 2}
    ours, theirs = snapshot(laptop), snapshot(second_laptop)
    merged = snapshot(central)
    for kind in ("sessions", "learners", "memberships"):
        assert merged[kind].keys() == ours[kind].keys() | theirs[kind].keys()


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(allow_nan=False),
    st.text(max_size=60), st.sampled_from(["\x00", "\ud800", "2026-13-45", "x" * 500]),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)  # fmt: skip


@pytest.fixture
def day_records(laptop, guru) -> list[Outgoing]:
    """Every kind of record of a short village day on the laptop."""
    public_id = new_session(guru, items=("tested-course",), kind="village")
    phone, _ = learner(laptop, join_code_of(guru, public_id), "Ayu")
    answer(phone, PRE, {"q.fee": "b", "q.passport": "a"})
    counts = {f"count-{s}-{b}": 1 for s in ("female", "male", "other")
              for b in ("under-18", "18-plus")}  # fmt: skip
    post(guru, f"/sessions/{public_id}/attendance", **counts)
    votes = {"votes-a": "3", "votes-b": "4"}
    present = f"/sessions/{public_id}/present/tested-course/before/votes"
    post(guru, present, part="2", **votes)
    with laptop.app_context():
        records = collect(get_session())
    assert {r.kind for r in records} >= {"sessions", "attempts", "group_answers"}
    return records


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(choice=st.integers(0, 10_000), field=st.integers(0, 30), value=ODD_VALUES)
def test_any_field_of_a_signed_bundle_is_refused_or_taken_never_an_error(
    laptop, central, admin, day_records, tmp_path, choice, field, value
):
    record = day_records[choice % len(day_records)]
    name = sorted(record.data)[field % len(record.data)]
    odd = Outgoing(record.kind, record.key, {**record.data, name: value})
    items = [odd if r is record else r for r in day_records]
    file = signed_file(laptop, items, tmp_path / "odd.jaring")
    token = csrf_from(admin, "/sync/import")
    with file.open("rb") as fh:
        page = admin.post(
            "/sync/import", data={"csrf_token": token, "bundle": (fh, "o")}
        )
    assert page.status_code in (200, 400), page.status_code


@pytest.mark.parametrize("odd", ["Ayu\x00", "\ud800", "x" * 41, 7, None])
def test_a_name_no_database_can_store_is_refused_cleanly(
    laptop, central, admin, day_records, tmp_path, odd
):
    items = [
        Outgoing(r.kind, r.key, {**r.data, "display_name": odd})
        if r.kind == "learners"
        else r
        for r in day_records
    ]
    file = signed_file(laptop, items, tmp_path / "odd.jaring")
    token = csrf_from(admin, "/sync/import")
    with file.open("rb") as fh:
        page = admin.post(
            "/sync/import", data={"csrf_token": token, "bundle": (fh, "o")}
        )
    assert page.status_code == 400
    assert "Nothing was imported." in page.get_data(as_text=True)
    assert count_rows(central, ClassSession) == 0


def test_a_laptop_that_sent_as_one_device_cannot_enrol_as_another(
    laptop, central, guru, wire, tmp_path
):
    new_session(guru, items=("tested-course",))
    assert cli(laptop, "sync", "push").exit_code == 0
    (tmp_path / "n").mkdir()
    file = tmp_path / "n" / "enrolment.json"
    file.write_text(add_device(central, name="Laptop 9"))
    result = cli(laptop, "sync", "enrol", str(file))
    assert result.exit_code == 1 and "issue a new key" in result.output
    with laptop.app_context():
        assert enrolment.load(enrolment_path()).device_name == "Laptop 1"


def test_a_push_cut_in_the_middle_of_the_answer_is_a_sentence(laptop, guru, tmp_path):
    """A real socket that answers half a response, then closes: no traceback."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def half_answer() -> None:
        for _ in range(3):
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"new"')

    threading.Thread(target=half_answer, daemon=True).start()
    new_session(guru, items=("tested-course",))
    with laptop.app_context():
        enrolled = enrolment.load(enrolment_path())
    moved = enrolment.Enrolment(
        **{**enrolled.__dict__, "server": f"http://127.0.0.1:{port}"}
    )
    with laptop.app_context():
        enrolment.save(enrolment_path(), moved)
    result = cli(laptop, "sync", "push")
    server.close()
    assert result.exit_code == 1 and "cannot be reached" in result.output
    assert "Traceback" not in result.output
    page = guru.post("/sync/send", data={"csrf_token": csrf_from(guru, "/sync")})
    assert page.status_code == 302
    assert "cannot be reached" in guru.get("/sync").get_data(as_text=True)


def test_a_corrected_head_count_counts_as_not_sent_and_is_carried(
    laptop, central, guru, wire
):
    public_id = new_session(guru, items=("tested-course",), kind="village")
    counts = {f"count-{s}-{b}": 2 for s in ("female", "male", "other")
              for b in ("under-18", "18-plus")}  # fmt: skip
    post(guru, f"/sessions/{public_id}/attendance", **counts)
    assert cli(laptop, "sync", "push").exit_code == 0
    post(
        guru,
        f"/sessions/{public_id}/attendance",
        **{**counts, "count-female-18-plus": 25},
    )
    assert 'data-kind="head_counts">1<' in guru.get("/sync").get_data(as_text=True)
    pushed = cli(laptop, "sync", "push")
    assert pushed.exit_code == 0 and "Sent 1 records" in pushed.output
    assert snapshot(central)["head_counts"][("female", "18-plus")] == 25
    assert snapshot(central) == snapshot(laptop)
