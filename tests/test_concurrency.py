"""Sixty learners submit at once against a real gunicorn server: all stored, once.

Runs on SQLite (WAL, busy timeout) and on PostgreSQL, through the real migrations.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from courses.people.models import ModuleProgress, QuizAttempt, User
from courses.platform.db import make_engine
from tests.conftest import FIXTURES
from tests.factories import class_session_in
from tests.server import live_server

LEARNERS = 60
MODULE = "/courses/sample-course/first-steps"
RIGHT = {"q.fee": "b", "q.2": ["a", "b"], "q.3": "b"}
pytestmark = pytest.mark.server


@pytest.fixture
def server(database_url: str) -> Iterator[tuple[str, str]]:
    """Start gunicorn (3 processes x 4 threads) on a migrated database."""
    with live_server(database_url, FIXTURES / "content") as base:
        yield base, database_url


def hidden_fields(html: str) -> dict[str, str]:
    start = html.index('id="quiz"')
    quiz = html[start : html.index("</section>", start)]
    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', quiz))


def learner(
    base: str, code: str, number: int, barrier: threading.Barrier, out: list
) -> None:
    """Join, open the module, wait for everyone, submit, then resend the same form."""
    with httpx.Client(
        base_url=base, timeout=60, headers={"Accept-Language": "en"}
    ) as c:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/join").text)
        joined = c.post(
            "/join",
            data={
                "join_code": code,
                "display_name": f"L{number}",
                "csrf_token": token[1],
            },
        )
        assert joined.status_code == 200 and "personal-code" in joined.text
        form = hidden_fields(c.get(MODULE).text)
        barrier.wait(timeout=60)
        first = c.post(MODULE + "/quiz", data={**form, **RIGHT})
        replay = c.post(MODULE + "/quiz", data={**form, **RIGHT})
        out.append((first.status_code, replay.status_code, "3 of 3" in first.text))


def test_sixty_simultaneous_submissions_are_all_stored_once(server):
    base, database_url = server
    code = class_session_in(database_url, "KRBDTS")
    barrier = threading.Barrier(LEARNERS)
    results: list[tuple[int, int, bool]] = []
    threads = [
        threading.Thread(target=learner, args=(base, code, n, barrier, results))
        for n in range(LEARNERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == LEARNERS
    assert all(r == (200, 200, True) for r in results), results
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(QuizAttempt))
        users = connection.scalar(select(func.count()).select_from(User))
        completed = connection.scalar(
            select(func.count())
            .select_from(ModuleProgress)
            .where(
                ModuleProgress.completed_at.is_not(None),
                ModuleProgress.attempt_count == 1,
            )
        )
    engine.dispose()
    assert (count, users, completed) == (LEARNERS, LEARNERS, LEARNERS)
