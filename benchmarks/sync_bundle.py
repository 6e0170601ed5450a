"""How big a week's bundle is and how long the organisation's server takes for it.

A laptop (SQLite) holds five village workshops of 60 learners with three quiz
attempts each; it exports everything as one signed bundle, which a server on
PostgreSQL imports, then the same file again, then everything re-signed as a newer
bundle. Usage: `BENCH_POSTGRES=postgresql+psycopg://postgres@127.0.0.1:5432/test
.venv/bin/python benchmarks/sync_bundle.py`. Prints the numbers; not part of make test.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault(
    "TEST_DATABASE_URL",
    os.environ.get(
        "BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    ),
)

from courses.people import accounts, roster  # noqa: E402
from courses.people.models import ModuleProgress, QuizAttempt, utcnow  # noqa: E402
from courses.people.sync import bundle, devices, enrolment, outbox  # noqa: E402
from courses.platform.db import get_engine, get_session  # noqa: E402
from courses.platform.keys import enrolment_path, sync_key  # noqa: E402
from tests.conftest import fresh_pg_schema, make_app  # noqa: E402
from tests.factories import new_session_row  # noqa: E402
from tests.sync_helpers import CENTRAL_KEYS, LAPTOP_KEYS, add_device, enrol  # noqa: E402

WORKSHOPS, LEARNERS, ATTEMPTS = 5, 60, 3


def fill(db) -> None:  # noqa: ANN001 - a SQLAlchemy session
    """Add the week's workshops, learners, attempts and progress."""
    org = accounts.get_or_create_organisation(db, "Test NGO")
    for number in range(WORKSHOPS):
        workshop = new_session_row(org, f"Desa {number}")
        db.add(workshop)
        db.commit()
        for i in range(LEARNERS):
            user = roster.join_new(db, workshop, f"L{number}-{i}", b"k" * 32).user
            for _ in range(ATTEMPTS):
                db.add(attempt(user.id, workshop.id))
            db.add(
                ModuleProgress(
                    user_id=user.id, course_slug="sample-course",
                    module_slug="first-steps", started_at=utcnow(),
                    completed_at=utcnow(), attempt_count=ATTEMPTS, best_percent=67,
                    latest_percent=67, updated_at=utcnow(),
                )
            )  # fmt: skip
        db.commit()


def attempt(user_id: int, session_id: int) -> QuizAttempt:
    """Return one graded attempt."""
    return QuizAttempt(
        user_id=user_id, session_id=session_id, course_slug="sample-course",
        module_slug="first-steps", language="id", quiz_fingerprint="f" * 64,
        idempotency_key=secrets.token_hex(8),
        answers={"q.fee": ["b"], "q.2": ["a", "b"], "q.3": ["b"]},
        correct={"q.fee": True, "q.2": True, "q.3": False}, score=2, max_score=3,
        percent=67, passed=True, created_at=utcnow(),
    )  # fmt: skip


def timed(label: str, work) -> object:  # noqa: ANN001 - a callable
    """Run `work`, print how long it took, return its result."""
    start = time.perf_counter()
    result = work()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    """Build the week on a laptop, then import it on the server three ways."""
    tmp = Path(tempfile.mkdtemp(prefix="jaring-sync-bench-"))
    with fresh_pg_schema("bench") as url:
        central = make_app(url, tmp / "c", **CENTRAL_KEYS)
        laptop = make_app(f"sqlite:///{tmp / 'l.sqlite3'}", tmp / "l", **LAPTOP_KEYS)
        enrol(laptop, add_device(central), tmp)
        with laptop.app_context():
            db = get_session()
            fill(db)
            enrolled = enrolment.load(enrolment_path())
            data, count = timed("export", lambda: outbox.export_file(db, enrolled))
            everything = outbox.unsent(db, everything=True)
            newer = outbox.make_bundle(db, enrolled, everything, "file")
            chunk = outbox.make_bundle(db, enrolled, everything[:200], "push")[0]
            get_engine().dispose()
        print(f"records: {count}; file: {len(data)} bytes; a push chunk of 200: "
              f"{len(chunk)} bytes")  # fmt: skip
        device, signature, body = bundle.unwrap(data)
        with central.app_context():
            db, key = get_session(), sync_key()
            for label, (raw, sig) in (
                ("first import", (body, signature)),
                ("the same file again", (body, signature)),
                ("everything again, as a newer bundle", (newer[0], newer[1])),
            ):
                got = timed(
                    label, lambda r=raw, s=sig: devices.receive(db, key, device, r, s)
                )
                print(
                    f"  new {got.new}, unchanged {got.unchanged}, already {got.already}"
                )
            get_engine().dispose()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
