"""The queries behind reports: each loads one kind of record for many sessions or
learners at once, so a report costs the same few queries whatever its size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.content.catalog import Catalog, Course
from courses.people.facilitation import covered_modules
from courses.people.live_grid import members
from courses.people.models import (
    ClassSession,
    GroupAnswer,
    HeadCount,
    Membership,
    ModuleProgress,
    QuizAttempt,
    User,
)

Counts = dict[tuple[str, str], int]


def session_members(db: Session, session_ids: list[int]) -> dict[int, list[int]]:
    query = select(Membership.session_id, Membership.user_id).where(
        Membership.session_id.in_(session_ids)
    )
    found: dict[int, list[int]] = defaultdict(list)
    for session_id, user_id in db.execute(query):
        found[session_id].append(user_id)
    return found


def head_counts_of(db: Session, session_ids: list[int]) -> dict[int, Counts]:
    query = select(HeadCount).where(HeadCount.session_id.in_(session_ids))
    found: dict[int, Counts] = defaultdict(dict)
    for row in db.scalars(query):
        found[row.session_id][(row.sex, row.age_band)] = row.count
    return found


@dataclass(frozen=True)
class Completion:
    """A learner of a session who completed one of its courses (a certificate)."""

    membership: Membership
    user: User
    course: Course
    completed_on: date


def completions(
    db: Session, class_session: ClassSession, catalog: Catalog
) -> list[Completion]:
    """Return every course of the session each of its learners completed (2 queries)."""
    joined = members(db, class_session)
    progress = progress_of(db, [user.id for _m, user in joined])
    courses = {c.slug: c for c, _m in covered_modules(class_session, catalog)}.values()
    found = []
    for membership, user in joined:
        for course in courses:
            rows = [
                progress.get((user.id, course.slug, m.slug))
                for m in course.required_modules
            ]
            if rows and all(r is not None and r.completed_at for r in rows):
                last = max(r.completed_at for r in rows if r and r.completed_at)
                found.append(Completion(membership, user, course, last.date()))
    return found


def progress_of(
    db: Session, user_ids: list[int]
) -> dict[tuple[int, str, str], ModuleProgress]:
    query = select(ModuleProgress).where(ModuleProgress.user_id.in_(user_ids))
    return {(p.user_id, p.course_slug, p.module_slug): p for p in db.scalars(query)}


def test_scores(
    db: Session, user_ids: list[int], catalog: Catalog
) -> dict[tuple[int, str, str], list[int]]:
    """Return the percents of pre- and post-test attempts, oldest first."""
    slugs = [
        (c.slug, m)
        for c in catalog.courses
        for m in (c.pre_test, c.post_test)
        if m is not None
    ]
    found: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    if not slugs or not user_ids:
        return found
    query = (
        select(QuizAttempt)
        .where(QuizAttempt.user_id.in_(user_ids))
        .where(QuizAttempt.course_slug.in_({c for c, _m in slugs}))
        .where(QuizAttempt.module_slug.in_({m for _c, m in slugs}))
        .order_by(QuizAttempt.created_at, QuizAttempt.id)
    )
    for attempt in db.scalars(query):
        key = (attempt.user_id, attempt.course_slug, attempt.module_slug)
        found[key].append(attempt.percent)
    return found


def group_answers_of(
    db: Session, session_ids: list[int]
) -> dict[int, list[GroupAnswer]]:
    query = select(GroupAnswer).where(GroupAnswer.session_id.in_(session_ids))
    found: dict[int, list[GroupAnswer]] = defaultdict(list)
    for row in db.scalars(query):
        found[row.session_id].append(row)
    return found
