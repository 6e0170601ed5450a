"""`flask users ...` and `flask sessions ...`: staff accounts and class sessions.

For setting up an instance (the first admin) and for scripts; everything here can
also be done from the web. Errors are sentences, printed without a traceback.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from courses.people import accounts, facilitation
from courses.people.models import ClassSession, Role, User
from courses.platform.content_store import get_catalog
from courses.platform.db import get_session

users_cli = AppGroup("users", help="Staff accounts.")
sessions_cli = AppGroup("sessions", help="Class sessions and join codes.")
ACCOUNT_PROBLEMS = {
    "too-short": f"The password is too short: use at least {accounts.MIN_PASSWORD} "
    "characters (a few words make a good one).",
    "too-long": f"The password is too long: use at most {accounts.MAX_PASSWORD} "
    "characters.",
    "common": "That password is too easy to guess. Choose another one.",
    "empty": "The display name is empty.",
    "invisible": "The display name has characters that do not show.",
    "taken": "That username is taken. Choose another one.",
}


@users_cli.command("create")
@click.option("--username", required=True)
@click.option(
    "--role", type=click.Choice(["facilitator", "editor", "admin"]), required=True
)
@click.option("--organisation", default="Jaring", show_default=True)
@click.option("--display-name", default=None)
@click.option(
    "--password",
    envvar="JARING_PASSWORD",
    default=None,
    help=f"At least {accounts.MIN_PASSWORD} characters. Better: leave it out to be "
    "asked (in a terminal), or set JARING_PASSWORD (in a script).",
)
def users_create(
    username: str,
    role: str,
    organisation: str,
    display_name: str | None,
    password: str | None,
) -> None:
    """Create a staff account (password asked for, or read from JARING_PASSWORD)."""
    password = password if password is not None else _ask_for_password()
    db = get_session()
    if db.scalars(select(User.id).where(User.username == username.lower())).first():
        raise click.ClickException(ACCOUNT_PROBLEMS["taken"])
    org = accounts.get_or_create_organisation(db, organisation)
    try:
        accounts.create_staff(db, org, username, password, Role(role), display_name)
    except accounts.AccountError as error:
        raise click.ClickException(_sentence(error)) from error
    click.echo(f"Created {role} '{username.lower()}' in {organisation}.")


def _ask_for_password() -> str:
    """Ask twice for the new password, or say how to give it without a terminal."""
    if not sys.stdin.isatty():
        raise click.ClickException(
            "No password given, and there is no terminal to ask for one. Set it in "
            "JARING_PASSWORD, for example: JARING_PASSWORD='four words you remember' "
            "flask --app app users create --username ana --role admin"
        )
    return click.prompt(
        f"Password (at least {accounts.MIN_PASSWORD} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )


def _sentence(error: accounts.AccountError) -> str:
    return ACCOUNT_PROBLEMS.get(error.code, f"The {error.field} is not valid.")


@users_cli.command("list")
def users_list() -> None:
    """List staff accounts: username, role, organisation, active or not."""
    db = get_session()
    query = select(User).where(User.role != Role.LEARNER.value).order_by(User.username)
    for user in db.scalars(query):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.username}\t{user.role}\t{user.organisation.name}\t{state}")


@sessions_cli.command("create")
@click.option("--title", required=True, help="e.g. 'SMP 2 Mataram, class 9B'")
@click.option("--facilitator", "username", required=True, help="Who runs it.")
@click.option("--kind", type=click.Choice(["school", "village"]), default="school")
@click.option("--course", "courses", multiple=True, help="A course slug (repeat).")
@click.option("--place", default="", help="School or village name.")
@click.option("--district", default="")
@click.option("--province", default="")
@click.option("--country", default="", help="Two-letter code, e.g. ID.")
@click.option("--date", "held_on", default="", help="YYYY-MM-DD")
@click.option("--language", default="", help="e.g. id")
def sessions_create(username: str, courses: tuple[str, ...], **fields: str) -> None:
    """Create a class session and print its join code."""
    db = get_session()
    owner = _staff(username)
    form = {**fields, "place_name": fields.pop("place")}
    details, errors = facilitation.SessionDetails.from_form(
        form, current_app.config["LANGUAGES"]
    )
    if details is None:
        problems = ", ".join(f"{field} ({code})" for field, code in errors.items())
        raise click.ClickException(f"Some details are not valid: {problems}.")
    catalog = get_catalog()
    items = facilitation.chosen_items(
        catalog, courses or [c.slug for c in catalog.courses]
    )
    if courses and len(items) != len(set(courses)):
        raise click.ClickException(
            "Unknown course. Known courses: "
            + ", ".join(c.slug for c in catalog.courses)
            + "."
        )
    class_session = facilitation.create_session(db, owner, details, items)
    click.echo(class_session.join_code)


def _staff(username: str) -> User:
    """Return the active facilitator or admin with this username."""
    user = (
        get_session()
        .scalars(select(User).where(User.username == username.strip().lower()))
        .first()
    )
    if user is None or user.role not in facilitation.RUNS_SESSIONS or not user.active:
        raise click.ClickException(
            f"There is no active facilitator or admin called '{username}'. "
            "Create one with: flask users create --role facilitator"
        )
    return user


@sessions_cli.command("list")
def sessions_list() -> None:
    """List sessions: join code, open or closed, date, kind, title, facilitator."""
    db = get_session()
    query = select(ClassSession).order_by(
        ClassSession.held_on.desc(), ClassSession.created_at.desc()
    )
    for item in db.scalars(query):
        state = "open" if item.is_open else "closed"
        who = item.facilitator.username if item.facilitator else "-"
        when = item.held_on.isoformat() if item.held_on else "-"
        click.echo(
            f"{item.join_code}\t{state}\t{when}\t{item.kind}\t{item.title}\t{who}"
        )


@sessions_cli.command("close")
@click.argument("join_code")
def sessions_close(join_code: str) -> None:
    """Close the session with JOIN_CODE: joins are refused, its records stay."""
    db = get_session()
    found = db.scalars(
        select(ClassSession).where(ClassSession.join_code == join_code.strip().upper())
    ).first()
    if found is None:
        raise click.ClickException(
            f"There is no session with the join code {join_code}."
        )
    facilitation.set_open(db, found, False)
    click.echo(f"Closed '{found.title}'.")
