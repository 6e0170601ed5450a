"""Who is in a session: joining (new or returning learners), renaming, removing.

A learner is one account however many sessions they join; each session holds a
membership. Names are unique within a session (case-insensitively), so the room never
sees two identical names: the second gets "that name is taken here, add an initial".
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courses.people import codes
from courses.people.accounts import (
    AccountError,
    NewLearner,
    clean_display_name,
    create_learner,
)
from courses.people.models import ClassSession, Membership, Tombstone, User


def name_key(display_name: str) -> str:
    """Return the form of a name two learners in one session may not share."""
    return unicodedata.normalize("NFKC", display_name).casefold()[:40]


def session_by_code(db: Session, raw_code: str) -> ClassSession:
    """Return the open session with this join code, or raise AccountError.

    A closed session answers "closed" (its learners' records stay), an unknown or
    malformed code "unknown".
    """
    code = codes.normalise(raw_code)
    if not codes.JOIN_CODE.match(code):
        raise AccountError("join_code", "unknown")
    found = db.scalars(
        select(ClassSession).where(ClassSession.join_code == code)
    ).first()
    if found is None:
        raise AccountError("join_code", "unknown")
    if not found.is_open:
        raise AccountError("join_code", "closed")
    return found


def join_new(
    db: Session, class_session: ClassSession, display_name: str, code_key: bytes
) -> NewLearner:
    """Create a learner and their membership in one transaction."""
    name = clean_display_name(display_name)
    _check_name_free(db, class_session, name)
    learner = create_learner(db, class_session.organisation_id, name, code_key)
    _add_membership(db, class_session, learner.user, name)
    return learner


def join_existing(db: Session, class_session: ClassSession, user: User) -> Membership:
    """Add a returning learner to another session (one account, counted in both).

    Joining a session they are already in changes nothing.
    """
    found = db.scalars(
        select(Membership).where(
            Membership.session_id == class_session.id, Membership.user_id == user.id
        )
    ).first()
    if found is not None:
        return found
    _check_name_free(db, class_session, user.display_name)
    return _add_membership(db, class_session, user, user.display_name)


def _check_name_free(db: Session, class_session: ClassSession, name: str) -> None:
    taken = db.scalars(
        select(Membership.id).where(
            Membership.session_id == class_session.id,
            Membership.name_key == name_key(name),
        )
    ).first()
    if taken is not None:
        raise AccountError("display_name", "taken")


def _add_membership(
    db: Session, class_session: ClassSession, user: User, name: str
) -> Membership:
    """Add and commit a membership; a name taken meanwhile is reported as taken."""
    membership = Membership(
        session_id=class_session.id, user_id=user.id, name_key=name_key(name)
    )
    db.add(membership)
    try:
        db.commit()
    except IntegrityError:  # two joins with one name at the same moment
        db.rollback()
        raise AccountError("display_name", "taken") from None
    return membership


def rename(db: Session, user: User, display_name: str) -> None:
    """Correct a learner's name everywhere (a typo); names stay unique per session."""
    name = clean_display_name(display_name)
    memberships = list(
        db.scalars(select(Membership).where(Membership.user_id == user.id))
    )
    for membership in memberships:
        clash = db.scalars(
            select(Membership.id).where(
                Membership.session_id == membership.session_id,
                Membership.name_key == name_key(name),
                Membership.user_id != user.id,
            )
        ).first()
        if clash is not None:
            raise AccountError("display_name", "taken")
    user.display_name = name
    for membership in memberships:
        membership.name_key = name_key(name)
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise AccountError("display_name", "taken") from None


def remove(db: Session, membership: Membership) -> None:
    """Take a learner out of a session; their account and answers stay.

    A tombstone keeps a synced copy of the membership from coming back.
    """
    bury_membership(db, membership)
    db.commit()


def bury_membership(db: Session, membership: Membership) -> None:
    """Delete a membership in the caller's transaction, leaving its tombstone (with
    the device its learner came from, so that laptop's pull hears of it)."""
    tombstone = Tombstone(
        kind="membership",
        public_id=membership.public_id,
        device_id=membership.user.device_id,
    )
    db.merge(tombstone)
    db.delete(membership)
