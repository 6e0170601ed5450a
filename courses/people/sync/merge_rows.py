"""The rows a received record becomes, and progress recomputed from attempts.

Each function reads one record's fields (checked, see fields.py) into the values of
its row; `recompute_progress` derives attempt counts and best and latest scores from
every attempt the server holds, so the order bundles arrive in does not matter.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.people import codes
from courses.people.models import (
    AGE_BANDS,
    SESSION_KINDS,
    SEXES,
    ClassSession,
    ModuleProgress,
    QuizAttempt,
    Role,
    SessionModule,
    User,
    utcnow,
)
from courses.people.sync.fields import Record

MAX_MODULES = 200


def session_values(
    record: Record,
) -> tuple[dict[str, Any], list[tuple[str, str | None]]]:
    """Return a session's column values and its (course, module) items."""
    values = {
        "public_id": record.pid(),
        "kind": record.choice("kind", SESSION_KINDS),
        "title": record.required("title", 120),
        "place_name": record.required("place_name", 120),
        "district": record.required("district", 80),
        "province": record.required("province", 80),
        "country": record.text("country", 2, optional=True),
        "held_on": record.day("held_on"),
        "language": record.text("language", 8, optional=True),
        "join_code": record.required("join_code", 12),
        "shared_phone": record.flag("shared_phone"),
        "answers_released_at": record.moment("answers_released_at", optional=True),
        "created_at": record.at("created_at"),
        "closed_at": record.moment("closed_at", optional=True),
    }
    return values, _modules(record)


def _modules(record: Record) -> list[tuple[str, str | None]]:
    items = record.data.get("modules")
    if not isinstance(items, list) or len(items) > MAX_MODULES:
        raise record.refuse("modules")
    found = []
    for item in items:
        if not isinstance(item, list) or len(item) != 2:
            raise record.refuse("modules")
        part = Record(record.kind, record.index, {"c": item[0], "m": item[1]})
        module = part.slug("m") if item[1] is not None else None
        found.append((part.slug("c"), module))
    return found


def session_modules(items: list[tuple[str, str | None]]) -> list[SessionModule]:
    """Return a session's module rows, in order."""
    return [
        SessionModule(position=n, course_slug=course, module_slug=module)
        for n, (course, module) in enumerate(items, 1)
    ]


def facilitator_id(
    db: Session, organisation_id: int, username: str | None
) -> int | None:
    """Return the staff member of that username in the organisation, if any."""
    if not username:
        return None
    query = select(User.id).where(
        User.username == username,
        User.organisation_id == organisation_id,
        User.role.in_((Role.FACILITATOR.value, Role.ADMIN.value)),
    )
    return db.scalars(query).first()


def free_join_code(db: Session, wanted: str) -> str:
    """Keep the laptop's join code unless a session here has it already."""
    code = wanted if codes.JOIN_CODE.match(wanted) else ""
    taken = select(ClassSession.id).where(ClassSession.join_code == code)
    while not code or db.scalars(taken).first() is not None:
        code = codes.new_code(codes.JOIN_CODE_LENGTH)
        taken = select(ClassSession.id).where(ClassSession.join_code == code)
    return code


def learner_values(record: Record) -> dict[str, Any]:
    """Return a learner's column values (a display name and a code hash, no more)."""
    name = record.required("display_name", 40)
    if not name.strip():
        raise record.refuse("display_name")
    return {
        "public_id": record.pid(),
        "display_name": name,
        "resume_code_hash": record.text("code_hash", 80, optional=True),
        "locale": record.text("locale", 8, optional=True),
        "created_at": record.at("created_at"),
    }


def membership_values(record: Record) -> dict[str, Any]:
    """Return a membership's column values (session and learner come apart)."""
    return {
        "public_id": record.pid(),
        "name_key": record.required("name_key", 40),
        "joined_at": record.at("joined_at"),
    }


def head_count_values(record: Record) -> dict[str, Any]:
    """Return a head count's column values."""
    return {
        "public_id": record.pid(),
        "sex": record.choice("sex", SEXES),
        "age_band": record.choice("age_band", AGE_BANDS),
        "count": record.number("count", 10_000),
    }


def group_answer_values(record: Record) -> dict[str, Any]:
    """Return a group answer's column values."""
    return {
        "public_id": record.pid(),
        "course_slug": record.slug("course"),
        "module_slug": record.slug("module"),
        "question_id": record.required("question", 40),
        "counts": record.mapping("counts", int),
        "right_keys": record.strings("right_keys"),
        "quiz_fingerprint": record.required("quiz_fingerprint", 64),
    }


def attempt_row(record: Record, user_id: int, session_id: int | None) -> QuizAttempt:
    """Return a new attempt from a record (attempts are never changed after)."""
    return QuizAttempt(
        public_id=record.pid(),
        user_id=user_id,
        session_id=session_id,
        course_slug=record.slug("course"),
        module_slug=record.slug("module"),
        language=record.required("language", 8),
        quiz_fingerprint=record.required("quiz_fingerprint", 64),
        idempotency_key=record.required("idempotency_key", 64),
        answers=record.mapping("answers", list),
        correct=record.mapping("correct", bool),
        score=record.number("score"),
        max_score=record.number("max_score"),
        percent=record.number("percent", 100),
        passed=record.flag("passed"),
        created_at=record.at("created_at"),
    )


def upsert_progress(db: Session, user_id: int, record: Record) -> tuple[bool, bool]:
    """Add or widen a progress row: earliest start, earliest completion.

    Return (created, changed). Scores are left to `recompute_progress`.
    """
    course, module = record.slug("course"), record.slug("module")
    started, completed = record.at("started_at"), record.moment("completed_at", True)
    row = db.scalars(
        select(ModuleProgress).where(
            ModuleProgress.user_id == user_id,
            ModuleProgress.course_slug == course,
            ModuleProgress.module_slug == module,
        )
    ).first()
    if row is None:
        db.add(
            ModuleProgress(
                user_id=user_id, course_slug=course, module_slug=module,
                started_at=started, completed_at=completed, attempt_count=0,
                updated_at=utcnow(),
            )
        )  # fmt: skip
        return True, False
    new_start = _earliest(row.started_at, started)
    new_end = _earliest(row.completed_at, completed)
    changed = not (same(new_start, row.started_at) and same(new_end, row.completed_at))
    row.started_at, row.completed_at = new_start, new_end
    return False, changed


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return min(_aware(a), _aware(b))


def same(stored: Any, value: Any) -> bool:
    """Return True if a stored value equals a received one (times compared in UTC)."""
    if isinstance(stored, datetime) and isinstance(value, datetime):
        return _aware(stored) == _aware(value)
    return bool(stored == value)


def _aware(value: datetime) -> datetime:
    """Return a time with its zone (SQLite gives times back without one)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def recompute_progress(db: Session, user_ids: set[int]) -> None:
    """Set attempt counts, best and latest scores of these learners from attempts."""
    if not user_ids:
        return
    attempts: dict[tuple[int, str, str], list[QuizAttempt]] = defaultdict(list)
    query = (
        select(QuizAttempt)
        .where(QuizAttempt.user_id.in_(user_ids))
        .order_by(QuizAttempt.created_at, QuizAttempt.id)
    )
    for attempt in db.scalars(query):
        attempts[(attempt.user_id, attempt.course_slug, attempt.module_slug)].append(
            attempt
        )
    rows = {
        (p.user_id, p.course_slug, p.module_slug): p
        for p in db.scalars(
            select(ModuleProgress).where(ModuleProgress.user_id.in_(user_ids))
        )
    }
    for key, made in attempts.items():
        row = rows.get(key) or _new_progress(db, key, made[0].created_at)
        _set_scores(row, made)


def _new_progress(
    db: Session, key: tuple[int, str, str], started: datetime
) -> ModuleProgress:
    user_id, course, module = key
    row = ModuleProgress(
        user_id=user_id, course_slug=course, module_slug=module, started_at=started,
        attempt_count=0, updated_at=utcnow(),
    )  # fmt: skip
    db.add(row)
    return row


def _set_scores(row: ModuleProgress, made: list[QuizAttempt]) -> None:
    """Set one progress row from its attempts, oldest first."""
    values: dict[str, Any] = {
        "attempt_count": len(made),
        "best_percent": max(a.percent for a in made),
        "latest_percent": made[-1].percent,
    }
    passed = [a.created_at for a in made if a.passed]
    if passed:
        values["completed_at"] = _earliest(row.completed_at, passed[0])
    for name, value in values.items():
        if not same(getattr(row, name), value):
            setattr(row, name, value)
