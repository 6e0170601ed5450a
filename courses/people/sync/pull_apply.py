"""(laptop) Applying the server's pull answer to this laptop's own learners.

In one transaction: the personal-code hash of each learner made here is set to the
server's (a new code taken there), while names stay the laptop's; tombstones delete
a learner or a membership made here, leaving a local tombstone as any deletion does,
so no push brings it back. A learner is never created, and an id this laptop does
not know (or did not make) is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courses.people.accounts import bury_learner
from courses.people.models import Membership, Role, User
from courses.people.roster import bury_membership
from courses.people.sync.errors import SyncRefused
from courses.people.sync.fields import Record
from courses.platform.db import forget_deleted


@dataclass
class Pulled:
    """What a pull changed on this laptop."""

    updated: int = 0
    deleted: int = 0


def apply(db: Session, document: dict[str, Any]) -> Pulled:
    """Apply a verified pull answer, all or nothing; return what changed."""
    learners, tombstones = _items(document, "learners"), _items(document, "tombstones")
    pulled = Pulled()
    try:
        for record in learners:
            pulled.updated += _update(db, record)
        for record in tombstones:
            pulled.deleted += _bury(db, record)
        db.commit()
    except SyncRefused:
        db.rollback()
        raise
    except IntegrityError:
        db.rollback()
        raise SyncRefused("invalid", "a learner's name clashes here") from None
    if pulled.deleted:
        forget_deleted(db)  # nothing of a deleted learner stays in SQLite's log
    return pulled


def _items(document: dict[str, Any], kind: str) -> list[Record]:
    items = document.get(kind)
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise SyncRefused("invalid", kind)
    return [Record(kind, n, item) for n, item in enumerate(items)]


def _own_learner(db: Session, public_id: str) -> User | None:
    """Return the learner made on this laptop with this public id, or None."""
    query = select(User).where(
        User.public_id == public_id,
        User.role == Role.LEARNER.value,
        User.device_id.is_(None),
    )
    return db.scalars(query).first()


def _update(db: Session, record: Record) -> int:
    """Take the server's personal-code hash for a learner made here; return 1 if it
    changed. The name stays the laptop's: its sessions are run here, and a typo fixed
    here reaches the server with the next push."""
    user = _own_learner(db, record.pid())
    record.required("display_name", 40)  # part of the answer's shape
    code_hash = record.text("code_hash", 80, optional=True)
    if user is None or user.resume_code_hash == code_hash:
        return 0
    user.resume_code_hash = code_hash
    db.flush()
    return 1


def _bury(db: Session, record: Record) -> int:
    """Delete a learner or membership made here; return 1 if one was deleted."""
    kind, public_id = record.choice("kind", ("learner", "membership")), record.pid()
    if kind == "learner":
        user = _own_learner(db, public_id)
        if user is None:
            return 0
        bury_learner(db, user)
        db.flush()
        return 1
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.public_id == public_id, User.device_id.is_(None))
    )
    membership = db.scalars(query).first()
    if membership is None:
        return 0
    bury_membership(db, membership)
    db.flush()
    return 1
