"""An organisation's staff: accounts made by its admin, deactivated, and one-time links
to set a password (the admin copies the link: no e-mail is needed or stored).

A link's token is shown once; only its SHA-256 is stored. It works once, for
LINK_DAYS, and setting the password signs the account out everywhere.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from courses.people.accounts import (
    AccountError,
    check_password_policy,
    clean_display_name,
    end_all_sessions,
)
from courses.people.models import Role, StaffLink, User, utcnow

LINK_DAYS = 7
STAFF_ROLES = (Role.FACILITATOR, Role.EDITOR, Role.ADMIN)
USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


@dataclass(frozen=True)
class NewLink:
    """A one-time link's token, shown to the admin once."""

    user: User
    token: str


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staff_of(db: Session, admin: User) -> list[User]:
    """Return the staff of the admin's organisation, active first, by name."""
    query = (
        select(User)
        .where(
            User.organisation_id == admin.organisation_id,
            User.role != Role.LEARNER.value,
        )
        .order_by(User.active.desc(), User.display_name)
    )
    return list(db.scalars(query))


def member_of_staff(db: Session, admin: User, public_id: str) -> User | None:
    """Return a staff member of the admin's organisation, or None (never another's)."""
    return db.scalars(
        select(User).where(
            User.public_id == public_id,
            User.organisation_id == admin.organisation_id,
            User.role != Role.LEARNER.value,
        )
    ).first()


def create_account(
    db: Session, admin: User, username: str, display_name: str, role: str
) -> NewLink:
    """Create a staff account without a password, and a link to set one."""
    name = username.strip().lower()
    if not 3 <= len(name) <= 40 or not set(name) <= USERNAME_CHARS:
        raise AccountError("username", "invalid")
    if role not in {r.value for r in STAFF_ROLES}:
        raise AccountError("role", "invalid")
    if db.scalars(select(User.id).where(User.username == name)).first() is not None:
        raise AccountError("username", "taken")
    user = User(
        organisation_id=admin.organisation_id,
        role=role,
        username=name,
        display_name=clean_display_name(display_name or name),
        session_token=secrets.token_urlsafe(24),
    )
    db.add(user)
    db.flush()
    return new_link(db, admin, user)


def new_link(db: Session, admin: User, user: User) -> NewLink:
    """Make a one-time password link for `user`; earlier unused links stop working."""
    db.execute(
        update(StaffLink)
        .where(StaffLink.user_id == user.id, StaffLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    db.add(
        StaffLink(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_by_id=admin.id,
            expires_at=utcnow() + timedelta(days=LINK_DAYS),
        )
    )
    db.commit()
    return NewLink(user, token)


def link_for(db: Session, token: str) -> StaffLink | None:
    """Return the unused, unexpired link with this token, or None."""
    if not token or len(token) > 64:
        return None
    link = db.scalars(
        select(StaffLink).where(StaffLink.token_hash == _token_hash(token))
    ).first()
    if link is None or link.used_at is not None:
        return None
    if _aware(link.expires_at) < utcnow() or not link.user.active:
        return None
    return link


def set_password(db: Session, link: StaffLink, password: str) -> User:
    """Set the password of the link's account, use up the link, sign out everywhere."""
    check_password_policy(password)
    user = link.user
    user.password_hash = generate_password_hash(password)
    link.used_at = utcnow()
    end_all_sessions(db, user)  # commits
    return user


def set_active(db: Session, user: User, active: bool) -> None:
    """Deactivate an account (it can no longer sign in; its records stay) or undo it."""
    user.active = active
    if not active:
        end_all_sessions(db, user)  # commits, and signs it out at once
    else:
        db.commit()


def _aware(value: datetime) -> datetime:
    """Return a datetime with UTC attached (SQLite returns it without a zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
