"""Helpers for the sync tests: a laptop and a central server (two apps, two
databases, two instance folders), enrolment, and reading both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from courses.people import accounts
from courses.people.models import (
    ClassSession,
    GroupAnswer,
    HeadCount,
    Membership,
    ModuleProgress,
    QuizAttempt,
    Role,
    User,
)
from courses.people.sync import devices, enrolment
from courses.platform.db import get_session
from courses.platform.keys import code_key, sync_key

CENTRAL_KEYS = {"CODE_KEY": "central-code-key", "SYNC_KEY": "central-sync-key"}
LAPTOP_KEYS = {"CODE_KEY": "laptop-code-key", "SYNC_KEY": "laptop-sync-key"}


def add_device(
    central: Flask, organisation: str = "Test NGO", name: str = "Laptop 1"
) -> str:
    """Add a device to an organisation on the central server; return its enrolment."""
    with central.app_context():
        db = get_session()
        org = accounts.get_or_create_organisation(db, organisation)
        device = devices.create_device(db, org.id, name)
        return enrolment.issue(device, "http://central.test", sync_key(), code_key())


def enrol(laptop: Flask, text: str, tmp_path: Path) -> None:
    """Enrol the laptop with `flask sync enrol FILE`, as a facilitator would."""
    file = tmp_path / "enrolment.json"
    file.write_text(text)
    result = laptop.test_cli_runner().invoke(args=["sync", "enrol", str(file)])
    assert result.exit_code == 0, result.output


def snapshot(app: Flask) -> dict[str, Any]:
    """Return what the report rests on, by public id (comparable across machines)."""
    with app.app_context():
        db = get_session()
        learners = {
            u.public_id: (u.display_name, u.resume_code_hash)
            for u in db.scalars(select(User).where(User.role == Role.LEARNER.value))
        }
        sessions = {
            s.public_id: (
                s.title,
                s.kind,
                s.district,
                str(s.held_on),
                s.closed_at is None,
            )
            for s in db.scalars(select(ClassSession))
        }
        members = {
            m.public_id: (m.session.public_id, m.user.public_id, m.name_key)
            for m in db.scalars(select(Membership))
        }
        attempts = {
            a.public_id: (a.percent, a.passed, a.course_slug, a.module_slug)
            for a in db.scalars(select(QuizAttempt))
        }
        ids = {u.id: u.public_id for u in db.scalars(select(User))}
        progress = {
            (ids[p.user_id], p.course_slug, p.module_slug): (
                p.completed_at is not None, p.best_percent, p.latest_percent,
                p.attempt_count,
            )
            for p in db.scalars(select(ModuleProgress))
            if ids[p.user_id] in learners
        }  # fmt: skip
        heads = {(h.sex, h.age_band): h.count for h in db.scalars(select(HeadCount))}
        votes = {
            (g.module_slug, g.question_id): dict(g.counts)
            for g in db.scalars(select(GroupAnswer))
        }
        return {
            "learners": learners, "sessions": sessions, "memberships": members,
            "attempts": attempts, "progress": progress, "head_counts": heads,
            "group_answers": votes,
        }  # fmt: skip


def count_rows(app: Flask, model: Any) -> int:
    """Return how many rows a table holds."""
    with app.app_context():
        return get_session().scalar(select(func.count()).select_from(model))
