"""Database models: people and what they did. Course content is never stored here.

Content (courses, modules, quizzes) lives in Markdown files; the database refers to
it by course and module slug, so a module keeps its progress across languages and edits.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.platform.db import Base


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


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
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    users: Mapped[list[User]] = relationship(back_populates="organisation")


class User(UserMixin, Base):
    """A learner (display name only) or a staff member (username and password)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER.value)
    display_name: Mapped[str] = mapped_column(String(40))
    username: Mapped[str | None] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # HMAC of the learner's sign-back-in code under CODE_KEY; never the code itself.
    resume_code_hash: Mapped[str | None] = mapped_column(String(80), unique=True)
    class_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str | None] = mapped_column(String(8))
    # Part of the login cookie; replaced on sign-out so a copied cookie stops working.
    session_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    class_session: Mapped[ClassSession | None] = relationship(
        back_populates="learners", foreign_keys=[class_session_id]
    )

    def get_id(self) -> str:
        """Return the login cookie's id: user id and the current session token."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_learner(self) -> bool:
        """Return True for learners, who have no password."""
        return self.role == Role.LEARNER.value


class ClassSession(Base):
    """A school class or village workshop that learners join with a code."""

    __tablename__ = "class_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # use_alter: users and sessions refer to each other, so this key is added last.
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL", use_alter=True), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    learners: Mapped[list[User]] = relationship(
        back_populates="class_session", foreign_keys=[User.class_session_id]
    )


class ModuleProgress(Base):
    """One learner's state in one module: started, completed, scores."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    best_percent: Mapped[int | None] = mapped_column(Integer)
    latest_percent: Mapped[int | None] = mapped_column(Integer)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class QuizAttempt(Base):
    """One graded quiz submission, frozen against the quiz it was graded with."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (UniqueConstraint("user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    quiz_fingerprint: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, list[int]]] = mapped_column(JSON)
    correct: Mapped[dict[str, bool]] = mapped_column(JSON)
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    percent: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
