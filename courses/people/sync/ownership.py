"""Before a bundle changes anything: is every record it names this device's?

Every public id a bundle names (its own records and the sessions and learners they
refer to) is looked up, a few `IN` queries in all. One that exists here and belongs
to another organisation or device refuses the whole bundle, naming it. What is found
is handed to the merge, with the tombstones of the ids named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.people.models import (
    ClassSession,
    Device,
    GroupAnswer,
    HeadCount,
    Membership,
    QuizAttempt,
    Tombstone,
    User,
)
from courses.people.sync.errors import SyncRefused
from courses.people.sync.fields import Record

Items = dict[str, list[Record]]
BURIED_KINDS = ("learner", "membership")


@dataclass
class Known:
    """This device's sessions and learners named by a bundle, and tombstones."""

    sessions: dict[str, ClassSession]
    learners: dict[str, User]
    buried: set[tuple[str, str]]


def refs(items: Items, kind: str, name: str, optional: bool = False) -> set[str]:
    """Return the public ids in field `name` of every record of `kind`."""
    found = {r.public_id(name, optional) for r in items[kind]}
    return {f for f in found if f is not None}


def load_known(db: Session, device: Device, items: Items) -> Known:
    """Check every id the bundle names; return what exists here (all this device's)."""
    buried = {r.pid(): r.choice("kind", BURIED_KINDS) for r in items["tombstones"]}
    session_ids = refs(items, "sessions", "id") | refs(items, "memberships", "session")
    session_ids |= refs(items, "attempts", "session", optional=True)
    session_ids |= refs(items, "head_counts", "session")
    session_ids |= refs(items, "group_answers", "session")
    learner_ids = refs(items, "learners", "id") | refs(items, "memberships", "learner")
    learner_ids |= refs(items, "progress", "learner") | refs(
        items, "attempts", "learner"
    )
    learner_ids |= {p for p, k in buried.items() if k == "learner"}
    member_ids = refs(items, "memberships", "id")
    member_ids |= {p for p, k in buried.items() if k == "membership"}
    known = Known(
        sessions=_sessions(db, device, session_ids),
        learners=_learners(db, device, learner_ids),
        buried=_tombstones(db, learner_ids | member_ids),
    )
    _check_records(db, device, items, member_ids)
    return known


def _sessions(db: Session, device: Device, ids: set[str]) -> dict[str, ClassSession]:
    found = {}
    for row in db.scalars(select(ClassSession).where(ClassSession.public_id.in_(ids))):
        if row.device_id != device.id:
            raise SyncRefused("foreign", f"session {row.public_id}")
        found[row.public_id] = row
    return found


def _learners(db: Session, device: Device, ids: set[str]) -> dict[str, User]:
    found = {}
    for row in db.scalars(select(User).where(User.public_id.in_(ids))):
        if row.device_id != device.id or not row.is_learner:
            raise SyncRefused("foreign", f"learner {row.public_id}")
        found[row.public_id] = row
    return found


def _tombstones(db: Session, ids: set[str]) -> set[tuple[str, str]]:
    query = select(Tombstone.kind, Tombstone.public_id).where(
        Tombstone.public_id.in_(ids)
    )
    return {(kind, public_id) for kind, public_id in db.execute(query)}


def _check_records(
    db: Session, device: Device, items: Items, members: set[str]
) -> None:
    """Refuse memberships, head counts, group answers or attempts of others."""
    heads, votes = refs(items, "head_counts", "id"), refs(items, "group_answers", "id")
    checks = (
        (Membership, ClassSession, Membership.session_id, members),
        (HeadCount, ClassSession, HeadCount.session_id, heads),
        (GroupAnswer, ClassSession, GroupAnswer.session_id, votes),
        (QuizAttempt, User, QuizAttempt.user_id, refs(items, "attempts", "id")),
    )
    for model, owner, link, ids in checks:
        if ids:
            _check_owned(db, device, (model, owner, link), ids)


def _check_owned(
    db: Session, device: Device, shape: tuple[Any, Any, Any], ids: set[str]
) -> None:
    model, owner, link = shape
    query = (
        select(model.public_id, owner.device_id)
        .join(owner, owner.id == link)
        .where(model.public_id.in_(ids))
    )
    for public_id, device_id in db.execute(query):
        if device_id != device.id:
            raise SyncRefused("foreign", f"{model.__tablename__} {public_id}")
