"""Organisations and people: learners (a display name only) and staff (a password)."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.platform.db import Base

if TYPE_CHECKING:
    from courses.people.models.class_sessions import ClassSession, Membership


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def new_public_id() -> str:
    """Return a random public id: 96 bits, URL-safe, 16 characters."""
    return secrets.token_urlsafe(12)


def public_id_column() -> Mapped[str]:
    """Return the column holding a record's public id."""
    return mapped_column(String(22), unique=True, default=new_public_id)


def created_at_column() -> Mapped[datetime]:
    """Return the column holding when a record was made."""
    return mapped_column(DateTime(timezone=True), default=utcnow)


class Role(enum.StrEnum):
    """What a person may do; staff roles sign in with a password."""

    LEARNER = "learner"
    FACILITATOR = "facilitator"
    EDITOR = "editor"
    ADMIN = "admin"


class Organisation(Base):
    """An NGO, school network or programme running this instance."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = created_at_column()

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(UserMixin, Base):
    """A learner (display name only) or a staff member (username and password)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER.value)
    display_name: Mapped[str] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # HMAC of the learner's sign-back-in code under CODE_KEY; never the code itself.
    resume_code_hash: Mapped[str | None] = mapped_column(String(80), unique=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # Part of the login cookie; replaced on sign-out so a copied cookie stops working.
    session_token: Mapped[str] = mapped_column(String(64))
    # A deactivated staff account cannot sign in; its sessions and records stay.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = created_at_column()
    # On the organisation's server: the laptop a learner joined on (None: here).
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("sync_device.id", ondelete="SET NULL"), index=True
    )

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", passive_deletes=True
    )
    # The sessions joined, newest first, loaded in one query (the header needs it).
    sessions_joined: Mapped[list[ClassSession]] = relationship(
        secondary="membership",
        order_by="(Membership.joined_at.desc(), Membership.id.desc())",
        viewonly=True,
    )

    def get_id(self) -> str:
        """Return the login cookie's id: user id and the current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_learner(self) -> bool:
        """Return True for learners, who have no password."""
        return self.role == Role.LEARNER.value

    @property
    def is_active(self) -> bool:
        """Return False for a deactivated account (Flask-Login signs it out)."""
        return bool(self.active)

    @property
    def class_session(self) -> ClassSession | None:
        """Return the session the learner joined last (None if none)."""
        return self.sessions_joined[0] if self.sessions_joined else None


class StaffLink(Base):
    """A one-time link to set a staff member's password (no e-mail needed).

    Only a hash of the link's token is stored; it expires and works once.
    """

    __tablename__ = "staff_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
