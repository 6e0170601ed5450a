"""Applying a device's bundle on the organisation's server, in one transaction.

Records are matched by public id, so a bundle applied twice changes nothing and two
laptops never collide. Sessions, learners, head counts and group answers take the
bundle's values (a bundle older than the last one applied is refused before this);
attempts are only ever added; tombstones delete and stay, so nothing deleted comes
back. A record that belongs to another organisation or device refuses the whole
bundle. Progress is recomputed from all of a learner's attempts, so best and latest
scores are right whatever order bundles arrive in.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from courses.people.models import (
    ClassSession,
    Device,
    GroupAnswer,
    HeadCount,
    Membership,
    QuizAttempt,
    Role,
    SessionModule,
    Tombstone,
    User,
)
from courses.people.sync.fields import Record
from courses.people.sync.merge_rows import (
    attempt_row,
    facilitator_id,
    free_join_code,
    group_answer_values,
    head_count_values,
    learner_values,
    membership_values,
    recompute_progress,
    same,
    session_modules,
    session_values,
    upsert_progress,
)
from courses.people.sync.ownership import load_known, refs
from courses.people.sync.records import KINDS


@dataclass
class Received:
    """What a bundle changed: new, changed and deleted records, and the rest."""

    new: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    already: bool = False

    @property
    def records(self) -> int:
        """Return the records that changed something."""
        return self.new + self.changed + self.deleted

    def as_dict(self) -> dict[str, Any]:
        """Return the counts (a push's answer: counts only, never data)."""
        return {**asdict(self), "records": self.records}


class Merge:
    """One bundle being applied for one device, inside the caller's transaction."""

    def __init__(self, db: Session, device: Device, records: dict[str, list]) -> None:
        self.db = db
        self.device = device
        self.items = {
            kind: [Record(kind, i, d) for i, d in enumerate(records.get(kind, []))]
            for kind in KINDS
        }
        self.result = Received()
        self.sessions: dict[str, ClassSession] = {}
        self.learners: dict[str, User] = {}
        self.buried: set[tuple[str, str]] = set()
        self.touched: set[int] = set()

    def run(self) -> Received:
        """Check ownership of everything named, then apply each kind in order."""
        known = load_known(self.db, self.device, self.items)
        self.sessions, self.learners = known.sessions, known.learners
        self.buried = known.buried
        self._tombstones()
        self._sessions()
        self._learners()
        self.db.flush()
        self._memberships()
        self._progress()
        self._attempts()
        self._head_counts()
        self._group_answers()
        self.db.flush()
        recompute_progress(self.db, self.touched)
        return self.result

    def _refs(self, kind: str, name: str) -> set[str]:
        return refs(self.items, kind, name)

    # -- applying -------------------------------------------------------------

    def _tombstones(self) -> None:
        for record in self.items["tombstones"]:
            kind, public_id = (
                record.choice("kind", ("learner", "membership")),
                record.pid(),
            )
            deleted_at = record.at("deleted_at")
            if (kind, public_id) not in self.buried:
                self.db.add(
                    Tombstone(kind=kind, public_id=public_id, deleted_at=deleted_at)
                )
                self.buried.add((kind, public_id))
            if kind == "learner" and (user := self.learners.pop(public_id, None)):
                self.db.execute(delete(User).where(User.id == user.id))
                self.db.expunge(user)
                self.result.deleted += 1
            elif kind == "membership":
                gone = self.db.execute(
                    delete(Membership).where(Membership.public_id == public_id)
                )
                self.result.deleted += gone.rowcount or 0  # type: ignore[attr-defined]

    def _count(self, created: bool, changed: bool) -> None:
        if created:
            self.result.new += 1
        elif changed:
            self.result.changed += 1
        else:
            self.result.unchanged += 1

    def _apply(self, row: Any, values: dict[str, Any]) -> bool:
        changed = False
        for name, value in values.items():
            if not same(getattr(row, name), value):
                setattr(row, name, value)
                changed = True
        return changed

    def _sessions(self) -> None:
        for record in self.items["sessions"]:
            values, modules = session_values(record)
            found = self.sessions.get(values["public_id"])
            facilitator = facilitator_id(
                self.db,
                self.device.organisation_id,
                record.text("facilitator", 40, True),
            )
            if found is None:
                found = ClassSession(
                    organisation_id=self.device.organisation_id,
                    device_id=self.device.id,
                    join_code=free_join_code(self.db, values.pop("join_code")),
                    facilitator_id=facilitator,
                    **values,
                )
                found.modules = session_modules(modules)
                self.db.add(found)
                self.sessions[found.public_id] = found
                self._count(True, False)
                continue
            values.pop("join_code")
            changed = self._apply(found, {**values, "facilitator_id": facilitator})
            if [(m.course_slug, m.module_slug) for m in found.modules] != modules:
                self.db.execute(
                    delete(SessionModule).where(SessionModule.session_id == found.id)
                )
                self.db.expire(found, ["modules"])
                found.modules = session_modules(modules)
                changed = True
            self._count(False, changed)

    def _learners(self) -> None:
        for record in self.items["learners"]:
            values = learner_values(record)
            if ("learner", values["public_id"]) in self.buried:
                self._count(False, False)
                continue
            found = self.learners.get(values["public_id"])
            if found is None:
                found = User(
                    organisation_id=self.device.organisation_id,
                    device_id=self.device.id,
                    role=Role.LEARNER.value,
                    session_token=secrets.token_urlsafe(24),
                    **values,
                )
                self.db.add(found)
                self.learners[found.public_id] = found
                self._count(True, False)
            else:
                values.pop("created_at")
                self._count(False, self._apply(found, values))

    def _parent(self, record: Record, name: str, table: dict[str, Any]) -> Any:
        public_id = record.pid(name)
        if public_id not in table:
            raise record.refuse(name, "missing")
        return table[public_id]

    def _gone(self, record: Record, kind: str = "", own: str = "") -> bool:
        """Return True (and count it) if the record or its learner was deleted."""
        learner = record.pid("learner")
        if ("learner", learner) in self.buried or (
            own and (kind, record.pid(own)) in self.buried
        ):
            self._count(False, False)
            return True
        return False

    def _memberships(self) -> None:
        ids = self._refs("memberships", "id")
        existing = {
            m.public_id: m
            for m in self.db.scalars(
                select(Membership).where(Membership.public_id.in_(ids))
            )
        }
        for record in self.items["memberships"]:
            if self._gone(record, "membership", "id"):
                continue
            session = self._parent(record, "session", self.sessions)
            learner = self._parent(record, "learner", self.learners)
            values = membership_values(record)
            found = existing.get(values["public_id"])
            if found is not None:
                values.pop("joined_at")
                self._count(False, self._apply(found, values))
                continue
            twin = self.db.scalars(
                select(Membership.id).where(
                    Membership.session_id == session.id,
                    Membership.user_id == learner.id,
                )
            ).first()
            if twin is None:
                self.db.add(
                    Membership(session_id=session.id, user_id=learner.id, **values)
                )
            self._count(twin is None, False)

    def _progress(self) -> None:
        for record in self.items["progress"]:
            if self._gone(record):
                continue
            learner = self._parent(record, "learner", self.learners)
            self._count(*upsert_progress(self.db, learner.id, record))
            self.touched.add(learner.id)

    def _attempts(self) -> None:
        ids = self._refs("attempts", "id")
        known = set(
            self.db.scalars(
                select(QuizAttempt.public_id).where(QuizAttempt.public_id.in_(ids))
            )
        )
        for record in self.items["attempts"]:
            if self._gone(record):
                continue
            learner = self._parent(record, "learner", self.learners)
            session = (
                self._parent(record, "session", self.sessions)
                if record.data.get("session") is not None
                else None
            )
            row = attempt_row(record, learner.id, session.id if session else None)
            if row.public_id in known:
                self._count(False, False)  # attempts never change
                continue
            self.db.add(row)
            known.add(row.public_id)
            self.touched.add(learner.id)
            self._count(True, False)

    def _head_counts(self) -> None:
        for record in self.items["head_counts"]:
            session = self._parent(record, "session", self.sessions)
            values = head_count_values(record)
            found = self.db.scalars(
                select(HeadCount).where(
                    HeadCount.session_id == session.id,
                    HeadCount.sex == values["sex"],
                    HeadCount.age_band == values["age_band"],
                )
            ).first()
            if found is None:
                self.db.add(HeadCount(session_id=session.id, **values))
                self._count(True, False)
            else:
                self._count(False, self._apply(found, values))

    def _group_answers(self) -> None:
        for record in self.items["group_answers"]:
            session = self._parent(record, "session", self.sessions)
            values = group_answer_values(record)
            found = self.db.scalars(
                select(GroupAnswer).where(
                    GroupAnswer.session_id == session.id,
                    GroupAnswer.course_slug == values["course_slug"],
                    GroupAnswer.module_slug == values["module_slug"],
                    GroupAnswer.question_id == values["question_id"],
                )
            ).first()
            if found is None:
                self.db.add(GroupAnswer(session_id=session.id, **values))
                self._count(True, False)
            else:
                self._count(False, self._apply(found, values))
