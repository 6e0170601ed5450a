"""Learner progress and quiz attempts: the service functions views call.

Every write is idempotent: opening a module twice starts it once, and a quiz submission
replayed with the same key records one attempt and returns the first result.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courses.content.catalog import Course, Module, ModuleVersion
from courses.content.grading import Grade
from courses.people.models import ModuleProgress, QuizAttempt, User, utcnow


def _ensure_progress(
    session: Session, user: User, course: Course, module: Module
) -> None:
    """Insert the learner's progress row unless it exists (one statement, race-safe)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    statement = insert(ModuleProgress).values(
        user_id=user.id,
        course_slug=course.slug,
        module_slug=module.slug,
        started_at=now,
        attempt_count=0,
        updated_at=now,
    )
    session.execute(
        statement.on_conflict_do_nothing(
            index_elements=["user_id", "course_slug", "module_slug"]
        )
    )


def start_module(session: Session, user: User, course: Course, module: Module) -> None:
    """Record that the learner opened a module (once; later opens change nothing).

    A read first: opening a module again takes no write lock (on SQLite one writer
    at a time serves a whole class).
    """
    started = session.scalars(
        select(ModuleProgress.id).where(*_progress_key(user, course, module))
    ).first()
    if started is None:
        _ensure_progress(session, user, course, module)
        session.commit()


def mark_done(session: Session, user: User, course: Course, module: Module) -> None:
    """Complete a module that has no quiz."""
    _ensure_progress(session, user, course, module)
    session.execute(
        update(ModuleProgress)
        .where(*_progress_key(user, course, module))
        .values(completed_at=func.coalesce(ModuleProgress.completed_at, utcnow()))
    )
    session.commit()


def _progress_key(user: User, course: Course, module: Module) -> tuple[object, ...]:
    return (
        ModuleProgress.user_id == user.id,
        ModuleProgress.course_slug == course.slug,
        ModuleProgress.module_slug == module.slug,
    )


class ReusedSubmission(ValueError):
    """A submission id already used for another module's quiz (a tampered form)."""


@dataclass(frozen=True)
class RecordedAttempt:
    """The stored attempt and whether this call created it (False on a replay)."""

    attempt: QuizAttempt
    created: bool


def record_attempt(
    session: Session,
    user: User,
    course: Course,
    module: Module,
    version: ModuleVersion,
    grade: Grade,
    key: str,
    session_id: int | None = None,
) -> RecordedAttempt:
    """Store a graded attempt once per key; update progress in the same transaction.

    `session_id` is the class session the learner is in, if any.
    """
    assert version.quiz is not None  # noqa: S101 - callers only grade modules with quizzes
    attempt = QuizAttempt(
        user_id=user.id,
        session_id=session_id,
        course_slug=course.slug,
        module_slug=module.slug,
        language=version.language,
        quiz_fingerprint=version.quiz.fingerprint,
        idempotency_key=key,
        answers={qid: sorted(keys) for qid, keys in grade.chosen.items()},
        correct=grade.correct,
        score=grade.score,
        max_score=grade.max_score,
        percent=grade.percent,
        passed=grade.passed,
        created_at=utcnow(),
    )
    try:
        session.add(attempt)
        session.flush()
    except IntegrityError:
        session.rollback()
        existing = session.scalars(
            select(QuizAttempt).where(
                QuizAttempt.user_id == user.id, QuizAttempt.idempotency_key == key
            )
        ).one()
        if (existing.course_slug, existing.module_slug) != (course.slug, module.slug):
            raise ReusedSubmission(key) from None
        return RecordedAttempt(existing, created=False)
    _apply_to_progress(session, user, course, module, grade)
    session.commit()
    return RecordedAttempt(attempt, created=True)


def _apply_to_progress(
    session: Session, user: User, course: Course, module: Module, grade: Grade
) -> None:
    """Update counts and scores with SQL expressions, so concurrent updates add up."""
    now = utcnow()
    _ensure_progress(session, user, course, module)
    best = ModuleProgress.best_percent
    values: dict[str, object] = {
        "attempt_count": ModuleProgress.attempt_count + 1,
        "latest_percent": grade.percent,
        "best_percent": case(
            (best.is_(None), grade.percent),
            (best < grade.percent, grade.percent),
            else_=best,
        ),
        "updated_at": now,
    }
    if grade.passed:
        values["completed_at"] = func.coalesce(ModuleProgress.completed_at, now)
    session.execute(
        update(ModuleProgress)
        .where(*_progress_key(user, course, module))
        .values(values)
    )


def progress_by_module(
    session: Session, user: User, course_slugs: Iterable[str] | None = None
) -> dict[tuple[str, str], ModuleProgress]:
    """Return the learner's progress rows keyed by (course, module), in one query."""
    query = select(ModuleProgress).where(ModuleProgress.user_id == user.id)
    if course_slugs is not None:
        query = query.where(ModuleProgress.course_slug.in_(list(course_slugs)))
    return {(p.course_slug, p.module_slug): p for p in session.scalars(query)}


def attempts_of(session: Session, user: User) -> list[QuizAttempt]:
    """Return all of the learner's attempts, newest first."""
    query = (
        select(QuizAttempt)
        .where(QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.created_at.desc(), QuizAttempt.id.desc())
    )
    return list(session.scalars(query))


def attempt_of(session: Session, user: User, public_id: str) -> QuizAttempt | None:
    """Return one of the learner's own attempts, or None (never another's)."""
    query = select(QuizAttempt).where(
        QuizAttempt.public_id == public_id, QuizAttempt.user_id == user.id
    )
    return session.scalars(query).first()


@dataclass(frozen=True)
class ModuleState:
    """What the course page shows for one module."""

    module: Module
    status: str  # not-started | started | completed
    best_percent: int | None
    completed_at: datetime | None


def module_states(
    course: Course, rows: dict[tuple[str, str], ModuleProgress]
) -> list[ModuleState]:
    """Return each module of the course with its state for one learner."""
    states = []
    for module in course.modules:
        row = rows.get((course.slug, module.slug))
        if row is None:
            status = "not-started"
        else:
            status = "completed" if row.completed_at else "started"
        states.append(
            ModuleState(
                module,
                status,
                row.best_percent if row else None,
                row.completed_at if row else None,
            )
        )
    return states


def course_complete(
    course: Course, rows: dict[tuple[str, str], ModuleProgress]
) -> bool:
    """Return True when every required module of the course is completed."""
    return all(
        (row := rows.get((course.slug, m.slug))) is not None and row.completed_at
        for m in course.required_modules
    )


def next_module(course: Course, rows: dict[tuple[str, str], ModuleProgress]) -> Module:
    """Return where to continue: the first required module not yet completed."""
    for module in course.required_modules or course.modules:
        row = rows.get((course.slug, module.slug))
        if row is None or row.completed_at is None:
            return module
    return course.modules[0]


def pre_test_answers_hidden(
    session: Session, user: User | None, course: Course
) -> bool:
    """Return True while a learner may not see the pre-test's right answers.

    They are shown once the learner has taken the post-test, or once the facilitator
    of the session they are in has released them; never to someone not signed in.
    """
    if course.pre_test is None:
        return False
    if user is None or not user.is_authenticated:
        return True
    released = user.class_session is not None and user.class_session.answers_released_at
    if released:
        return False
    took_post_test = session.scalars(
        select(QuizAttempt.id).where(
            QuizAttempt.user_id == user.id,
            QuizAttempt.course_slug == course.slug,
            QuizAttempt.module_slug == course.post_test,
        )
    ).first()
    return took_post_test is None
