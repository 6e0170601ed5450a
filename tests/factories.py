"""Builders for test data: organisations, class sessions, learners, staff."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from courses.people import accounts
from courses.people.models import ClassSession, Organisation, Role
from courses.platform.db import get_session, make_engine


def make_class_session(
    app: Flask, title: str = "Class 9B", country: str | None = None
) -> str:
    """Create an organisation and a class session; return its join code."""
    with app.app_context():
        db = get_session()
        org = accounts.get_or_create_organisation(db, "Test NGO")
        return accounts.create_class_session(db, org, title, country=country).join_code


def make_staff(
    app: Flask,
    username: str = "fasilitator",
    password: str = "correct horse battery",
    role: Role = Role.FACILITATOR,
) -> None:
    """Create a staff account."""
    with app.app_context():
        db = get_session()
        org = accounts.get_or_create_organisation(db, "Test NGO")
        accounts.create_staff(db, org, username, password, role)


def class_session_in(database_url: str, join_code: str) -> str:
    """Create a class session directly in a database (for live-server tests)."""
    engine = make_engine(database_url)
    with Session(engine) as db:
        organisation = Organisation(name=f"NGO {join_code}")
        db.add(organisation)
        db.flush()
        db.add(
            ClassSession(
                organisation_id=organisation.id, title="Class", join_code=join_code
            )
        )
        db.commit()
    engine.dispose()
    return join_code


def staff_in(database_url: str, username: str, password: str) -> None:
    """Create an editor account directly in a database (for live-server tests)."""
    engine = make_engine(database_url)
    with Session(engine) as db:
        organisation = accounts.get_or_create_organisation(db, "Editors")
        accounts.create_staff(db, organisation, username, password, Role.EDITOR)
    engine.dispose()
