"""Builders for test data: organisations, class sessions, learners, staff."""

from __future__ import annotations

from flask import Flask

from courses import accounts
from courses.db import get_session
from courses.models import Role


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
