"""School classes and village workshops, and what is recorded in them.

A session covers some modules in order, is run by a facilitator (with co-facilitators
from the same organisation), and is joined by learners with its code. A learner who
joins a second session keeps one account and gets a second membership. Where few
people have a device, the facilitator records head counts (by sex and age band) and
group answers (raised hands per option): group results, kept apart from attempts.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.people.models.identity import (
    Organisation,
    User,
    created_at_column,
    public_id_column,
    utcnow,
)
from courses.platform.db import Base

SESSION_KINDS = ("school", "village")
SEXES = ("female", "male", "other")  # "other": another answer, or not said
AGE_BANDS = ("under-18", "18-plus")


class ClassSession(Base):
    """A school class or village workshop that learners join with a code."""

    __tablename__ = "class_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # use_alter: users and sessions refer to each other, so this key is added last.
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL", use_alter=True), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), default="school")
    title: Mapped[str] = mapped_column(String(120))
    place_name: Mapped[str] = mapped_column(String(120), default="")
    district: Mapped[str] = mapped_column(String(80), default="")
    province: Mapped[str] = mapped_column(String(80), default="")
    country: Mapped[str | None] = mapped_column(String(2))
    held_on: Mapped[date | None] = mapped_column(Date, index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    # After a learner finishes, the phone offers "next person" (one shared phone).
    shared_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the facilitator showed learners the pre-test answers (before the post-test).
    answers_released_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True)
    )
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # On the organisation's server: the laptop the session came from (None: made here).
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("sync_device.id", ondelete="SET NULL"), index=True
    )

    organisation: Mapped[Organisation] = relationship()
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    modules: Mapped[list[SessionModule]] = relationship(
        order_by="SessionModule.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="session", passive_deletes=True
    )

    @property
    def is_open(self) -> bool:
        """Return True while learners may join."""
        return self.closed_at is None


class SessionModule(Base):
    """One item a session covers, in order: a whole course, or one module of it."""

    __tablename__ = "session_module"
    __table_args__ = (
        UniqueConstraint("session_id", "position", name="uq_session_module_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str | None] = mapped_column(String(80))  # None: whole course


class CoFacilitator(Base):
    """A facilitator of the same organisation who helps run a session."""

    __tablename__ = "co_facilitator"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Membership(Base):
    """A learner in a session; one learner may be in several sessions."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_membership_session_user"),
        # Two learners in one room cannot show the same name ("add an initial").
        UniqueConstraint("session_id", "name_key", name="uq_membership_session_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name_key: Mapped[str] = mapped_column(String(40))  # the name, case-folded
    joined_at: Mapped[datetime] = created_at_column()

    session: Mapped[ClassSession] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships")


class HeadCount(Base):
    """How many people of one sex and age band took part (entered, correctable)."""

    __tablename__ = "head_count"
    __table_args__ = (
        UniqueConstraint("session_id", "sex", "age_band", name="uq_head_count_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    sex: Mapped[str] = mapped_column(String(10))
    age_band: Mapped[str] = mapped_column(String(10))
    count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class GroupAnswer(Base):
    """Raised hands per option for one question, voted by the room."""

    __tablename__ = "group_answer"
    __table_args__ = (
        UniqueConstraint(
            "session_id",
            "course_slug",
            "module_slug",
            "question_id",
            name="uq_group_answer_question",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = public_id_column()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_session.id", ondelete="CASCADE"), index=True
    )
    course_slug: Mapped[str] = mapped_column(String(80))
    module_slug: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str] = mapped_column(String(40))
    # Option key -> raised hands; the right keys are frozen with the quiz version.
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    right_keys: Mapped[list[str]] = mapped_column(JSON)
    quiz_fingerprint: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
