"""Running sessions: create, edit, close and reopen them; choose their modules; share
them with co-facilitators; and find the sessions a staff member may see.

Who may see a session is decided here, once: its facilitator and co-facilitators, and
the admins of its organisation. Anyone else gets None, which views answer with 404.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import Select, delete, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from courses.content.catalog import Catalog, Course, Module
from courses.people import codes
from courses.people.models import (
    SESSION_KINDS,
    ClassSession,
    CoFacilitator,
    Role,
    SessionModule,
    User,
    utcnow,
)

COUNTRY = re.compile(r"^[A-Z]{2}$")
RUNS_SESSIONS = (Role.FACILITATOR.value, Role.ADMIN.value)


@dataclass(frozen=True)
class SessionDetails:
    """What a facilitator types about a session."""

    kind: str
    title: str
    place_name: str
    district: str
    province: str
    country: str | None
    held_on: date | None
    language: str | None
    shared_phone: bool

    @classmethod
    def from_form(
        cls, form: Mapping[str, str], languages: Sequence[str]
    ) -> tuple[SessionDetails | None, dict[str, str]]:
        """Read and check a form; return the details or {field: problem code}."""
        text = {k: " ".join((form.get(k) or "").split()) for k in TEXT_LIMITS}
        errors = {
            k: "too-long" for k, limit in TEXT_LIMITS.items() if len(text[k]) > limit
        }
        if not text["title"]:
            errors["title"] = "empty"
        kind = form.get("kind", "")
        if kind not in SESSION_KINDS:
            errors["kind"] = "choose"
        country = (form.get("country") or "").strip().upper() or None
        if country and not COUNTRY.match(country):
            errors["country"] = "invalid"
        language = form.get("language") or None
        if language and language not in languages:
            errors["language"] = "choose"
        held_on = _date(form.get("held_on", ""), errors)
        if errors:
            return None, errors
        return cls(
            kind=kind,
            country=country,
            held_on=held_on,
            language=language,
            shared_phone=form.get("shared_phone") == "1",
            **text,
        ), {}


TEXT_LIMITS = {"title": 120, "place_name": 120, "district": 80, "province": 80}


def _date(raw: str, errors: dict[str, str]) -> date | None:
    if not raw.strip():
        return None
    try:
        value = date.fromisoformat(raw.strip())
    except ValueError:
        errors["held_on"] = "invalid"
        return None
    if not 2000 <= value.year <= 2100:
        errors["held_on"] = "invalid"
    return value


def create_session(
    db: Session, owner: User, details: SessionDetails, items: Sequence[str]
) -> ClassSession:
    """Create a session run by `owner`, with a fresh, unused join code."""
    for _attempt in range(10):
        class_session = ClassSession(
            organisation_id=owner.organisation_id,
            facilitator_id=owner.id,
            join_code=codes.new_code(codes.JOIN_CODE_LENGTH),
        )
        _apply(class_session, details, items)
        try:
            with db.begin_nested():
                db.add(class_session)
        except IntegrityError:  # the join code was taken: try another
            continue
        db.commit()
        return class_session
    raise RuntimeError("could not find an unused join code")


def update_session(
    db: Session,
    class_session: ClassSession,
    details: SessionDetails,
    items: Sequence[str],
) -> None:
    """Change a session's details and modules."""
    db.execute(
        delete(SessionModule).where(SessionModule.session_id == class_session.id)
    )
    db.expire(class_session, ["modules"])
    _apply(class_session, details, items)
    db.commit()


def _apply(
    class_session: ClassSession, details: SessionDetails, items: Sequence[str]
) -> None:
    for field in fields(details):
        setattr(class_session, field.name, getattr(details, field.name))
    class_session.modules = [
        SessionModule(position=position, course_slug=course, module_slug=module or None)
        for position, (course, _sep, module) in enumerate(
            (item.partition("/") for item in items), start=1
        )
    ]


def chosen_items(catalog: Catalog, values: Sequence[str]) -> list[str]:
    """Return the valid "course" or "course/module" values, in catalogue order.

    A module of a course chosen whole is left out (the course covers it).
    """
    wanted = set(values)
    items = []
    for course in catalog.courses:
        if course.slug in wanted:
            items.append(course.slug)
            continue
        items.extend(
            f"{course.slug}/{m.slug}"
            for m in course.modules
            if f"{course.slug}/{m.slug}" in wanted
        )
    return items


def covered_modules(
    class_session: ClassSession, catalog: Catalog
) -> list[tuple[Course, Module]]:
    """Return the session's modules in order; whole courses give all their modules."""
    covered: list[tuple[Course, Module]] = []
    for item in class_session.modules:
        course = catalog.course(item.course_slug)
        if course is None:
            continue  # a course removed from the content since
        if item.module_slug is None:
            covered.extend((course, m) for m in course.modules)
        elif (module := course.module(item.module_slug)) is not None:
            covered.append((course, module))
    seen: set[tuple[str, str]] = set()
    unique = []
    for course, module in covered:
        if (course.slug, module.slug) not in seen:
            seen.add((course.slug, module.slug))
            unique.append((course, module))
    return unique


def set_open(db: Session, class_session: ClassSession, is_open: bool) -> None:
    """Close a session (joins are refused, records stay) or open it again."""
    class_session.closed_at = None if is_open else (class_session.closed_at or utcnow())
    db.commit()


def release_answers(db: Session, class_session: ClassSession) -> None:
    """Let the session's learners see the pre-test's answers before the post-test."""
    class_session.answers_released_at = class_session.answers_released_at or utcnow()
    db.commit()


def visible_sessions(user: User) -> Select[tuple[ClassSession]]:
    """Return a query of the sessions `user` may see and change."""
    query = select(ClassSession).where(
        ClassSession.organisation_id == user.organisation_id
    )
    if user.role == Role.ADMIN.value:
        return query
    if user.role != Role.FACILITATOR.value:
        return query.where(False)  # editors and learners see no sessions
    co_facilitates = exists().where(
        CoFacilitator.session_id == ClassSession.id, CoFacilitator.user_id == user.id
    )
    return query.where(or_(ClassSession.facilitator_id == user.id, co_facilitates))


def session_for(db: Session, user: User, public_id: str) -> ClassSession | None:
    """Return the session with `public_id` if `user` may see it, else None."""
    query = visible_sessions(user).where(ClassSession.public_id == public_id)
    return db.scalars(query).first()


def candidates(
    db: Session, class_session: ClassSession, current: Sequence[User]
) -> list[User]:
    """Return who could co-facilitate: the organisation's active facilitators and
    admins, but not the session's facilitator or those already helping."""
    taken = {u.id for u in current} | {class_session.facilitator_id}
    query = (
        select(User)
        .where(
            User.organisation_id == class_session.organisation_id,
            User.role.in_(RUNS_SESSIONS),
            User.active.is_(True),
        )
        .order_by(User.display_name)
    )
    return [u for u in db.scalars(query) if u.id not in taken]


def co_facilitators(db: Session, class_session: ClassSession) -> list[User]:
    """Return the session's co-facilitators."""
    query = (
        select(User)
        .join(CoFacilitator, CoFacilitator.user_id == User.id)
        .where(CoFacilitator.session_id == class_session.id)
        .order_by(User.display_name)
    )
    return list(db.scalars(query))


def add_co_facilitator(
    db: Session, class_session: ClassSession, public_id: str
) -> bool:
    """Add a colleague of the session's organisation; False if there is none such."""
    user = db.scalars(
        select(User).where(
            User.public_id == public_id,
            User.organisation_id == class_session.organisation_id,
            User.role.in_(RUNS_SESSIONS),
            User.active.is_(True),
        )
    ).first()
    if user is None or user.id == class_session.facilitator_id:
        return False
    if db.get(CoFacilitator, (class_session.id, user.id)) is None:
        db.add(CoFacilitator(session_id=class_session.id, user_id=user.id))
        db.commit()
    return True


def remove_co_facilitator(
    db: Session, class_session: ClassSession, public_id: str
) -> None:
    """Remove a co-facilitator (nothing happens for someone who is not one)."""
    user_id = db.scalars(select(User.id).where(User.public_id == public_id)).first()
    if user_id is not None:
        db.execute(
            delete(CoFacilitator).where(
                CoFacilitator.session_id == class_session.id,
                CoFacilitator.user_id == user_id,
            )
        )
        db.commit()
