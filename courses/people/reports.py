"""Reach and learning numbers, per session and for an organisation over dates.

People reached in a session are the larger of the learners who joined on a device and
the head count of the room (a facilitator counts everyone present, devices or not), so
nobody is counted twice; sex and age band are known only from head counts. Knowledge
gain compares, for learners who took both, their first pre-test score with their
latest post-test score; group answers give the share of right hands before and after.

Every number comes from a fixed number of queries, however many sessions and people.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from courses.content.catalog import Catalog, Course, Module
from courses.people.facilitation import covered_modules
from courses.people.models import (
    AGE_BANDS,
    SEXES,
    ClassSession,
    Device,
    GroupAnswer,
    ModuleProgress,
)
from courses.people.report_queries import (
    group_answers_of,
    head_counts_of,
    progress_of,
    session_members,
    test_scores,
)

Counts = dict[tuple[str, str], int]


@dataclass(frozen=True)
class Reach:
    """Who took part: learners on devices, and the room's head count."""

    devices: int
    counted: Counts

    @property
    def counted_total(self) -> int:
        """Return everyone in the head counts."""
        return sum(self.counted.values())

    @property
    def people(self) -> int:
        """Return the people reached (devices and head counts never add up twice)."""
        return max(self.devices, self.counted_total)

    @property
    def not_recorded(self) -> int:
        """Return the people reached whose sex and age band nobody recorded."""
        return self.people - self.counted_total

    def by_sex(self, sex: str) -> int:
        """Return the head count of one sex, all ages."""
        return sum(self.counted.get((sex, band), 0) for band in AGE_BANDS)

    def by_band(self, band: str) -> int:
        """Return the head count of one age band."""
        return sum(self.counted.get((sex, band), 0) for sex in SEXES)


@dataclass
class Gain:
    """Before and after: learners' own scores, and the room's raised hands."""

    pairs: list[tuple[int, int]] = field(default_factory=list)  # (before, after) %
    group_before: tuple[int, int] = (0, 0)  # (right hands, all hands)
    group_after: tuple[int, int] = (0, 0)

    @property
    def before(self) -> float | None:
        """Return the mean pre-test score of learners who took both."""
        return _mean(b for b, _a in self.pairs)

    @property
    def after(self) -> float | None:
        """Return the mean post-test score of learners who took both."""
        return _mean(a for _b, a in self.pairs)

    @property
    def improved(self) -> int:
        """Return how many learners scored higher after."""
        return sum(1 for b, a in self.pairs if a > b)

    @property
    def share_improved(self) -> float | None:
        """Return the share of learners who scored higher after."""
        return self.improved / len(self.pairs) if self.pairs else None

    @property
    def group_share_before(self) -> float | None:
        """Return the share of right hands in the pre-test's group answers."""
        right, hands = self.group_before
        return right / hands if hands else None

    @property
    def group_share_after(self) -> float | None:
        """Return the share of right hands in the post-test's group answers."""
        right, hands = self.group_after
        return right / hands if hands else None

    def add(self, other: Gain) -> None:
        """Add another session's numbers to these."""
        self.pairs.extend(other.pairs)
        self.group_before = _plus(self.group_before, other.group_before)
        self.group_after = _plus(self.group_after, other.group_after)


@dataclass(frozen=True)
class ModuleResult:
    """One module of a session: how many completed it and the mean best score."""

    course: Course
    module: Module
    completed: int
    scores: tuple[int, ...]  # each learner's best score, where there is one

    @property
    def average(self) -> float | None:
        """Return the mean best score."""
        return _mean(self.scores)


@dataclass(frozen=True)
class SessionReport:
    """Everything reported for one session."""

    session: ClassSession
    reach: Reach
    modules: tuple[ModuleResult, ...]
    gain: Gain

    @property
    def completed(self) -> int:
        """Return the module completions of all learners together."""
        return sum(m.completed for m in self.modules)

    @property
    def average_score(self) -> float | None:
        """Return the mean of all learners' best scores in all modules."""
        return _mean(s for m in self.modules for s in m.scores)


def session_reports(
    db: Session, sessions: Sequence[ClassSession], catalog: Catalog
) -> list[SessionReport]:
    """Return the report of each session, in the given order (five queries)."""
    ids = [s.id for s in sessions]
    members = session_members(db, ids)
    user_ids = sorted({u for users in members.values() for u in users})
    counts = head_counts_of(db, ids)
    progress = progress_of(db, user_ids)
    tests = test_scores(db, user_ids, catalog)
    votes = group_answers_of(db, ids)
    reports = []
    for class_session in sessions:
        modules = covered_modules(class_session, catalog)
        users = members.get(class_session.id, [])
        reports.append(
            SessionReport(
                class_session,
                Reach(len(users), counts.get(class_session.id, {})),
                tuple(_module_result(c, m, users, progress) for c, m in modules),
                _gain(
                    modules,
                    users,
                    tests,
                    votes.get(class_session.id, []),
                ),
            )
        )
    return reports


def device_names(db: Session, sessions: Sequence[ClassSession]) -> dict[int, str]:
    """Return the name of the laptop each synced session came from (one query)."""
    ids = {s.device_id for s in sessions if s.device_id is not None}
    if not ids:
        return {}
    query = select(Device.id, Device.name).where(Device.id.in_(ids))
    names = {device_id: name for device_id, name in db.execute(query)}
    return {s.id: names[s.device_id] for s in sessions if s.device_id in names}


def sessions_between(
    db: Session,
    visible: Select[tuple[ClassSession]],
    start: date | None,
    end: date | None,
) -> list[ClassSession]:
    """Return the sessions of a visible-sessions query held from `start` to `end`.

    A session without a date counts by the day it was created.
    """
    held = func.coalesce(ClassSession.held_on, func.date(ClassSession.created_at))
    query = visible
    if start is not None:
        query = query.where(held >= start)
    if end is not None:
        query = query.where(held <= end)
    return list(db.scalars(query.order_by(held, ClassSession.id)))


@dataclass
class Breakdown:
    """Reach and results summed over sessions, for one group (a month, a district)."""

    sessions: int = 0
    people: int = 0
    devices: int = 0
    counted: Counts = field(default_factory=lambda: defaultdict(int))
    completed: int = 0
    gain: Gain = field(default_factory=Gain)

    def add(self, report: SessionReport) -> None:
        """Add one session's report."""
        self.sessions += 1
        self.people += report.reach.people
        self.devices += report.reach.devices
        for key, number in report.reach.counted.items():
            self.counted[key] += number
        self.completed += report.completed
        self.gain.add(report.gain)

    @property
    def not_recorded(self) -> int:
        """Return people reached whose sex and age band nobody recorded."""
        return self.people - sum(self.counted.values())


def breakdown(
    reports: Iterable[SessionReport], key: str
) -> list[tuple[str, Breakdown]]:
    """Sum reports by kind, district, province or month ("" when not given)."""
    groups: dict[str, Breakdown] = defaultdict(Breakdown)
    for report in reports:
        groups[_group_of(report.session, key)].add(report)
    return sorted(groups.items())


def total(reports: Iterable[SessionReport]) -> Breakdown:
    """Sum all reports."""
    whole = Breakdown()
    for report in reports:
        whole.add(report)
    return whole


def _group_of(class_session: ClassSession, key: str) -> str:
    if key == "month":
        when = class_session.held_on or class_session.created_at.date()
        return f"{when.year:04d}-{when.month:02d}"
    return str(getattr(class_session, key) or "")


def _module_result(
    course: Course,
    module: Module,
    users: list[int],
    progress: dict[tuple[int, str, str], ModuleProgress],
) -> ModuleResult:
    rows = [progress.get((u, course.slug, module.slug)) for u in users]
    completed = sum(1 for r in rows if r is not None and r.completed_at is not None)
    scores = tuple(
        r.best_percent for r in rows if r is not None and r.best_percent is not None
    )
    return ModuleResult(course, module, completed, scores)


def _gain(
    modules: Sequence[tuple[Course, Module]],
    users: list[int],
    tests: dict[tuple[int, str, str], list[int]],
    votes: list[GroupAnswer],
) -> Gain:
    """Return the session's before-and-after numbers for its courses' tests."""
    gain = Gain()
    courses = {c.slug: c for c, _m in modules if c.pre_test and c.post_test}
    for course in courses.values():
        for user in users:
            before = tests.get((user, course.slug, course.pre_test or ""))
            after = tests.get((user, course.slug, course.post_test or ""))
            if before and after:
                gain.pairs.append((before[0], after[-1]))
        for vote in votes:
            if vote.course_slug != course.slug:
                continue
            hands = sum(vote.counts.values())
            right = sum(n for k, n in vote.counts.items() if k in set(vote.right_keys))
            if vote.module_slug == course.pre_test:
                gain.group_before = _plus(gain.group_before, (right, hands))
            elif vote.module_slug == course.post_test:
                gain.group_after = _plus(gain.group_after, (right, hands))
    return gain


def _plus(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    return a[0] + b[0], a[1] + b[1]


def _mean(values: Iterable[int]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None
