"""A laptop's records as plain data: what a bundle carries, each with a digest.

Sessions made here (not received from a device), their learners, memberships,
progress, attempts, head counts and group answers, and tombstones of deletions.
Staff accounts, co-facilitators and passwords never travel; a session names its
facilitator by username only. The digest of a record says whether it changed
since the server acknowledged it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased, selectinload

from courses.people.models import (
    ClassSession,
    GroupAnswer,
    HeadCount,
    Membership,
    ModuleProgress,
    QuizAttempt,
    Role,
    Tombstone,
    User,
)

# In the order the server applies them: a record comes after what it refers to.
KINDS = (
    "tombstones", "sessions", "learners", "memberships", "progress", "attempts",
    "head_counts", "group_answers",
)  # fmt: skip


@dataclass(frozen=True)
class Outgoing:
    """One record to send: its kind, its key (public id) and its data."""

    kind: str
    key: str
    data: dict[str, Any]

    @property
    def digest(self) -> str:
        """Return the SHA-256 of the record's canonical JSON."""
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def when(value: datetime | date | None) -> str | None:
    """Return a time (UTC; SQLite gives it without a zone) or a date as ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def collect(db: Session) -> list[Outgoing]:
    """Return every record this machine would send, kinds in dependency order."""
    local = select(ClassSession.id).where(ClassSession.device_id.is_(None))
    learners = select(User.id).where(
        User.role == Role.LEARNER.value, User.device_id.is_(None)
    )
    found: list[Outgoing] = []
    found += _tombstones(db)
    found += _sessions(db)
    found += _learners(db)
    found += _memberships(db, local, learners)
    found += _progress(db, learners)
    found += _attempts(db, learners)
    found += _head_counts(db, local)
    found += _group_answers(db, local)
    return found


def _tombstones(db: Session) -> list[Outgoing]:
    rows = db.scalars(select(Tombstone).order_by(Tombstone.deleted_at))
    return [
        Outgoing(
            "tombstones",
            f"{t.kind}:{t.public_id}",
            {"kind": t.kind, "id": t.public_id, "deleted_at": when(t.deleted_at)},
        )
        for t in rows
    ]


def _sessions(db: Session) -> list[Outgoing]:
    query = (
        select(ClassSession)
        .where(ClassSession.device_id.is_(None))
        .options(
            selectinload(ClassSession.modules), selectinload(ClassSession.facilitator)
        )
        .order_by(ClassSession.id)
    )
    return [
        Outgoing("sessions", s.public_id, _session_data(s)) for s in db.scalars(query)
    ]


def _session_data(s: ClassSession) -> dict[str, Any]:
    return {
        "id": s.public_id, "kind": s.kind, "title": s.title,
        "place_name": s.place_name, "district": s.district, "province": s.province,
        "country": s.country, "held_on": when(s.held_on), "language": s.language,
        "join_code": s.join_code, "shared_phone": bool(s.shared_phone),
        "answers_released_at": when(s.answers_released_at),
        "created_at": when(s.created_at), "closed_at": when(s.closed_at),
        "facilitator": s.facilitator.username if s.facilitator else None,
        "modules": [[m.course_slug, m.module_slug] for m in s.modules],
    }  # fmt: skip


def _learners(db: Session) -> list[Outgoing]:
    query = (
        select(User)
        .where(User.role == Role.LEARNER.value, User.device_id.is_(None))
        .order_by(User.id)
    )
    return [
        Outgoing(
            "learners",
            u.public_id,
            {
                "id": u.public_id,
                "display_name": u.display_name,
                "code_hash": u.resume_code_hash,
                "locale": u.locale,
                "created_at": when(u.created_at),
            },  # fmt: skip
        )
        for u in db.scalars(query)
    ]


def _memberships(db: Session, local: Any, learners: Any) -> list[Outgoing]:
    query = (
        select(Membership, ClassSession.public_id, User.public_id)
        .join(ClassSession, ClassSession.id == Membership.session_id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.session_id.in_(local), Membership.user_id.in_(learners))
        .order_by(Membership.id)
    )
    return [
        Outgoing(
            "memberships",
            m.public_id,
            {
                "id": m.public_id,
                "session": session_id,
                "learner": user_id,
                "name_key": m.name_key,
                "joined_at": when(m.joined_at),
            },  # fmt: skip
        )
        for m, session_id, user_id in db.execute(query)
    ]


def _progress(db: Session, learners: Any) -> list[Outgoing]:
    query = (
        select(ModuleProgress, User.public_id)
        .join(User, User.id == ModuleProgress.user_id)
        .where(ModuleProgress.user_id.in_(learners))
        .order_by(ModuleProgress.id)
    )
    return [
        Outgoing(
            "progress",
            f"{user_id}/{p.course_slug}/{p.module_slug}",
            {
                "learner": user_id,
                "course": p.course_slug,
                "module": p.module_slug,
                "started_at": when(p.started_at),
                "completed_at": when(p.completed_at),
            },  # fmt: skip
        )
        for p, user_id in db.execute(query)
    ]


def _attempts(db: Session, learners: Any) -> list[Outgoing]:
    session = aliased(ClassSession)
    query = (
        select(QuizAttempt, User.public_id, session.public_id)
        .join(User, User.id == QuizAttempt.user_id)
        .outerjoin(session, session.id == QuizAttempt.session_id)
        .where(QuizAttempt.user_id.in_(learners))
        .order_by(QuizAttempt.id)
    )
    return [
        Outgoing("attempts", a.public_id, _attempt_data(a, user_id, session_id))
        for a, user_id, session_id in db.execute(query)
    ]


def _attempt_data(a: QuizAttempt, user_id: str, session_id: str | None) -> dict:
    return {
        "id": a.public_id, "learner": user_id, "session": session_id,
        "course": a.course_slug, "module": a.module_slug, "language": a.language,
        "quiz_fingerprint": a.quiz_fingerprint, "idempotency_key": a.idempotency_key,
        "answers": a.answers, "correct": a.correct, "score": a.score,
        "max_score": a.max_score, "percent": a.percent, "passed": bool(a.passed),
        "created_at": when(a.created_at),
    }  # fmt: skip


def _in_sessions(model: type[HeadCount] | type[GroupAnswer], local: Any) -> Any:
    """Return the query of a session's group records with their session's public id."""
    return (
        select(model, ClassSession.public_id)
        .join(ClassSession, ClassSession.id == model.session_id)
        .where(model.session_id.in_(local))
        .order_by(model.id)
    )


def _head_counts(db: Session, local: Any) -> list[Outgoing]:
    query = _in_sessions(HeadCount, local)
    return [
        Outgoing(
            "head_counts",
            h.public_id,
            {
                "id": h.public_id,
                "session": session_id,
                "sex": h.sex,
                "age_band": h.age_band,
                "count": h.count,
            },  # fmt: skip
        )
        for h, session_id in db.execute(query)
    ]


def _group_answers(db: Session, local: Any) -> list[Outgoing]:
    query = _in_sessions(GroupAnswer, local)
    return [
        Outgoing(
            "group_answers",
            g.public_id,
            {
                "id": g.public_id,
                "session": session_id,
                "course": g.course_slug,
                "module": g.module_slug,
                "question": g.question_id,
                "counts": g.counts,
                "right_keys": list(g.right_keys),
                "quiz_fingerprint": g.quiz_fingerprint,
            },  # fmt: skip
        )
        for g, session_id in db.execute(query)
    ]
