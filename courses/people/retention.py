"""Privacy over time: learners of sessions closed long ago are anonymised.

After RETENTION_DAYS (default 365) from the day their last session closed, a learner's
display name is replaced and their personal code and sign-ins stop working. Their
memberships, progress and attempts stay, so reports keep their counts; nothing left
says who they were. Learners still in an open session are never touched.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from courses.people.models import ClassSession, Membership, Role, User, utcnow
from courses.platform.db import forget_deleted

ANONYMOUS_NAME = "–"


@dataclass(frozen=True)
class RetentionResult:
    """How many learners were (or would be) anonymised."""

    anonymised: int
    cutoff: datetime


def learners_past_retention(
    days: int, now: datetime | None = None
) -> tuple[object, datetime]:
    """Return a query of learners due for anonymisation, and the cut-off date."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    recent_or_open = exists().where(
        Membership.user_id == User.id,
        Membership.session_id == ClassSession.id,
        ClassSession.closed_at.is_(None) | (ClassSession.closed_at > cutoff),
    )
    in_any_session = exists().where(Membership.user_id == User.id)
    query = select(User.id).where(
        and_(
            User.role == Role.LEARNER.value,
            User.display_name != ANONYMOUS_NAME,
            in_any_session,
            ~recent_or_open,
        )
    )
    return query, cutoff


def apply_retention(
    db: Session, days: int, dry_run: bool = False, now: datetime | None = None
) -> RetentionResult:
    """Anonymise learners whose sessions all closed more than `days` ago."""
    query, cutoff = learners_past_retention(days, now)
    ids = list(db.scalars(query))
    if ids and not dry_run:
        # One statement for all (by primary key); each gets a new sign-in token.
        db.execute(
            update(User),
            [
                {
                    "id": user_id,
                    "display_name": ANONYMOUS_NAME,
                    "resume_code_hash": None,
                    "locale": None,
                    "session_token": secrets.token_urlsafe(24),
                }
                for user_id in ids
            ],
        )
        db.execute(
            update(Membership)
            .where(Membership.user_id.in_(ids))
            .values(name_key=Membership.public_id)  # unique, and says nothing
        )
        db.commit()
        forget_deleted(db)
    return RetentionResult(len(ids), cutoff)
