"""Issue 14: a laptop's records reach the organisation's server exactly once.

The laptop is an app on SQLite; the central server an app on the test database
(SQLite, and PostgreSQL when TEST_DATABASE_URL is set). Pushes go through the
central app's real /sync/push endpoint; files through `flask sync export/import`
and the admin's import page. tests/test_sync_servers.py does the same with two
real server processes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
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
from courses.people.sync import enrolment, outbox, transport
from courses.people.sync.errors import SyncRefused
from courses.people.sync.records import Outgoing, collect
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
        response = client.post(
            "/sync/push", data=body,
            headers={transport.DEVICE_HEADER: device, transport.SIGNATURE_HEADER: signature},
        )  # fmt: skip
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
    names = lambda: set(
        snapshot(central)["learners"][k][0] for k in snapshot(central)["learners"]
    )  # noqa: E731
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
