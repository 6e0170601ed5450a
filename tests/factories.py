"""Builders for test data: organisations, class sessions, learners, staff."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from courses.people import accounts, codes
from courses.people.models import ClassSession, Organisation, Role, SessionModule
from courses.platform.db import get_session, make_engine


def new_session_row(
    organisation: Organisation,
    title: str,
    country: str | None = None,
    join_code: str | None = None,
    items: tuple[str, ...] = ("sample-course",),
) -> ClassSession:
    """Return an unsaved session covering `items` ("course" or "course/module")."""
    return ClassSession(
        organisation_id=organisation.id,
        title=title,
        join_code=join_code or codes.new_code(codes.JOIN_CODE_LENGTH),
        country=country,
        modules=[
            SessionModule(position=n, course_slug=c, module_slug=m or None)
            for n, (c, _sep, m) in enumerate((i.partition("/") for i in items), 1)
        ],
    )


def make_class_session(
    app: Flask, title: str = "Class 9B", country: str | None = None
) -> str:
    """Create an organisation and a class session; return its join code."""
    with app.app_context():
        db = get_session()
        org = accounts.get_or_create_organisation(db, "Test NGO")
        class_session = new_session_row(org, title, country)
        db.add(class_session)
        db.commit()
        return class_session.join_code


def make_staff(
    app: Flask,
    username: str = "fasilitator",
    password: str = "correct horse battery",
    role: Role = Role.FACILITATOR,
    organisation: str = "Test NGO",
) -> None:
    """Create a staff account."""
    with app.app_context():
        db = get_session()
        org = accounts.get_or_create_organisation(db, organisation)
        accounts.create_staff(db, org, username, password, role)


def class_session_in(database_url: str, join_code: str) -> str:
    """Create a class session directly in a database (for live-server tests)."""
    engine = make_engine(database_url)
    with Session(engine) as db:
        organisation = Organisation(name=f"NGO {join_code}")
        db.add(organisation)
        db.flush()
        db.add(new_session_row(organisation, "Class", join_code=join_code))
        db.commit()
    engine.dispose()
    return join_code


def staff_in(
    database_url: str,
    username: str,
    password: str,
    role: Role = Role.EDITOR,
    organisation: str = "Editors",
) -> None:
    """Create a staff account directly in a database (for live-server tests)."""
    engine = make_engine(database_url)
    with Session(engine) as db:
        org = accounts.get_or_create_organisation(db, organisation)
        accounts.create_staff(db, org, username, password, role)
    engine.dispose()
