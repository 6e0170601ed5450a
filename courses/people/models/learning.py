"""What learners did: progress per module, and every graded quiz attempt."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from courses.people.models.identity import (
    created_at_column,
    public_id_column,
    utcnow,
)
from courses.platform.db import Base


class ModuleProgress(Base):
    """One learner's state in one module: started, completed, scores.

    Derived from attempts (and "done" for modules without a quiz), so it can be
    recomputed; keyed by learner and slugs, not by a public id.
    """

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_slug", "module_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[datetime] = created_at_column()
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    best_percent: Mapped[int | None] = mapped_column(Integer)
    latest_percent: Mapped[int | None] = mapped_column(Integer)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class QuizAttempt(Base):
    """One graded quiz submission, frozen against the quiz it was graded with.

    Never changed after it is made.
    """

    __tablename__ = "quiz_attempt"
    __table_args__ = (UniqueConstraint("user_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # The class session the learner was in when answering, if any.
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_session.id", ondelete="SET NULL"), index=True
    )
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8))
    quiz_fingerprint: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    correct: Mapped[dict[str, bool]] = mapped_column(JSON)
    score: Mapped[int] = mapped_column(Integer)
    max_score: Mapped[int] = mapped_column(Integer)
    percent: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = created_at_column()
