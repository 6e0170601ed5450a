"""The facilitator's live view of a session: who joined, where each learner is, and
which questions the room finds hard.

Built in a fixed number of queries however many learners and modules (members,
their progress, their attempts), then assembled in Python. Its version (what the
page polls with) comes from three light queries of ids, names and times, so an
unchanged grid is answered without loading a single attempt.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from courses.content.catalog import Course, Module
from courses.people.models import (
    ClassSession,
    Membership,
    ModuleProgress,
    QuizAttempt,
    User,
)

NOT_STARTED, READING, PASSED, NOT_YET_PASSED, DONE = (
    "not-started",
    "reading",
    "passed",
    "not-yet-passed",
    "done",
)


@dataclass(frozen=True)
class Cell:
    """One learner in one module."""

    state: str
    percent: int | None  # best score, when a quiz was answered


@dataclass(frozen=True)
class Row:
    """One learner: their name, membership and a cell per module."""

    membership: Membership
    user: User
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class QuestionStat:
    """How the room answered one question (each learner's latest attempt)."""

    course: Course
    module: Module
    question_id: str
    answered: int
    right: int

    @property
    def share_right(self) -> float:
        """Return the share of learners who answered right (0 when nobody did)."""
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class Grid:
    """The session's learners by its modules, and per-question results."""

    modules: tuple[tuple[Course, Module], ...]
    rows: tuple[Row, ...]
    questions: tuple[QuestionStat, ...]
    version: str  # changes whenever anything shown changes

    @property
    def hardest(self) -> QuestionStat | None:
        """Return the question most learners got wrong (None before any answer)."""
        answered = [q for q in self.questions if q.answered]
        if not answered:
            return None
        return min(answered, key=lambda q: (q.share_right, -q.answered))


def members(db: Session, class_session: ClassSession) -> list[tuple[Membership, User]]:
    """Return the session's memberships with their learners, by name."""
    query = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.session_id == class_session.id)
        .order_by(Membership.name_key, Membership.id)
    )
    return [(m, u) for m, u in db.execute(query)]


def build_grid(
    db: Session,
    class_session: ClassSession,
    modules: Sequence[tuple[Course, Module]],
    version: str | None = None,
) -> Grid:
    """Return the live grid of a session (three queries, and three for its version
    unless the caller has just computed it)."""
    joined = members(db, class_session)
    user_ids = [user.id for _m, user in joined]
    slugs = [(c.slug, m.slug) for c, m in modules]
    progress = _progress(db, user_ids, slugs)
    latest = _latest_attempts(db, user_ids, slugs)
    rows = tuple(
        Row(
            membership,
            user,
            tuple(
                _cell(progress.get((user.id, *s)), latest.get((user.id, *s)))
                for s in slugs
            ),
        )
        for membership, user in joined
    )
    questions = tuple(_question_stats(modules, latest.values()))
    if version is None:
        version = grid_version(db, class_session, slugs)
    return Grid(tuple(modules), rows, questions, version)


def _progress(
    db: Session, user_ids: list[int], slugs: list[tuple[str, str]]
) -> dict[tuple[int, str, str], ModuleProgress]:
    if not user_ids or not slugs:
        return {}
    query = select(ModuleProgress).where(
        ModuleProgress.user_id.in_(user_ids),
        tuple_(ModuleProgress.course_slug, ModuleProgress.module_slug).in_(slugs),
    )
    return {(p.user_id, p.course_slug, p.module_slug): p for p in db.scalars(query)}


@dataclass(frozen=True)
class LatestAttempt:
    """What the grid needs of a learner's latest attempt in a module."""

    user_id: int
    course_slug: str
    module_slug: str
    percent: int
    correct: dict[str, bool]


def _latest_attempts(
    db: Session, user_ids: list[int], slugs: list[tuple[str, str]]
) -> dict[tuple[int, str, str], LatestAttempt]:
    """Return each learner's latest attempt per module (one query).

    The database keeps only the newest row of each learner and module (a window
    over the attempts, by time then id), so earlier tries are never loaded.
    """
    if not user_ids or not slugs:
        return {}
    newest_first = (
        func.row_number()
        .over(
            partition_by=(
                QuizAttempt.user_id,
                QuizAttempt.course_slug,
                QuizAttempt.module_slug,
            ),
            order_by=(QuizAttempt.created_at.desc(), QuizAttempt.id.desc()),
        )
        .label("newest_first")
    )
    ranked = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.course_slug,
            QuizAttempt.module_slug,
            QuizAttempt.percent,
            QuizAttempt.correct,
            newest_first,
        )
        .where(
            QuizAttempt.user_id.in_(user_ids),
            tuple_(QuizAttempt.course_slug, QuizAttempt.module_slug).in_(slugs),
        )
        .subquery()
    )
    query = select(
        ranked.c.user_id,
        ranked.c.course_slug,
        ranked.c.module_slug,
        ranked.c.percent,
        ranked.c.correct,
    ).where(ranked.c.newest_first == 1)
    return {
        (row.user_id, row.course_slug, row.module_slug): LatestAttempt(*row)
        for row in db.execute(query)
    }


def _cell(progress: ModuleProgress | None, attempt: LatestAttempt | None) -> Cell:
    if progress is None and attempt is None:
        return Cell(NOT_STARTED, None)
    best = progress.best_percent if progress else None
    if progress is not None and progress.completed_at is not None:
        return Cell(PASSED if best is not None else DONE, best)
    if attempt is not None:
        return Cell(NOT_YET_PASSED, best if best is not None else attempt.percent)
    return Cell(READING, None)


def _question_stats(
    modules: Sequence[tuple[Course, Module]], latest: Iterable[LatestAttempt]
) -> list[QuestionStat]:
    """Count, per question of the session's quizzes, answers and right answers."""
    answered: dict[tuple[str, str, str], int] = defaultdict(int)
    right: dict[tuple[str, str, str], int] = defaultdict(int)
    for attempt in latest:
        for qid, correct in attempt.correct.items():
            key = (attempt.course_slug, attempt.module_slug, qid)
            answered[key] += 1
            right[key] += bool(correct)
    stats = []
    for course, module in modules:
        quiz = module.versions[module.default_language].quiz
        for question in quiz.questions if quiz else ():
            key = (course.slug, module.slug, question.qid)
            stats.append(
                QuestionStat(course, module, question.qid, answered[key], right[key])
            )
    return stats


def grid_version(
    db: Session, class_session: ClassSession, slugs: Sequence[tuple[str, str]]
) -> str:
    """Return a short token that changes when the grid would show something else:
    who joined and their names, their progress times, their newest attempts."""
    query = (
        select(User.id, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.session_id == class_session.id)
    )
    joined = sorted(db.execute(query).all())
    user_ids = [user_id for user_id, _name in joined]
    stamps: list[object] = [len(joined), *(name for _id, name in joined)]
    if user_ids and slugs:
        stamps += _progress_times(db, user_ids, slugs)
        stamps += _newest_attempt_ids(db, user_ids, slugs)
    text = "\x1f".join(str(s) for s in stamps)  # the same in every worker process
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:12]


def _progress_times(
    db: Session, user_ids: list[int], slugs: Sequence[tuple[str, str]]
) -> list[str]:
    module = tuple_(ModuleProgress.course_slug, ModuleProgress.module_slug)
    query = select(ModuleProgress.updated_at).where(
        ModuleProgress.user_id.in_(user_ids), module.in_(slugs)
    )
    return sorted(str(time) for time in db.scalars(query))


def _newest_attempt_ids(
    db: Session, user_ids: list[int], slugs: Sequence[tuple[str, str]]
) -> list[int]:
    module = (QuizAttempt.course_slug, QuizAttempt.module_slug)
    query = (
        select(func.max(QuizAttempt.id))
        .where(QuizAttempt.user_id.in_(user_ids), tuple_(*module).in_(slugs))
        .group_by(QuizAttempt.user_id, *module)
    )
    return sorted(db.scalars(query))
