"""Command-line tools: `flask db ...`, `flask content check`, `flask translate ...`,
`flask users ...` and `flask sessions ...`."""

import subprocess  # noqa: S404 - runs pybabel, a fixed program with fixed arguments
import sys
from datetime import date
from pathlib import Path

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import AppGroup

from courses.content.loader import MODULE_FILE, load_catalog
from courses.content.translation_status import mark_translated
from courses.people import accounts
from courses.people.models import Role
from courses.platform import migrations
from courses.platform.config import BASE_DIR as ROOT
from courses.platform.db import Base, get_engine, get_session
from courses.platform.message_catalogs import fill_source_catalog

db_cli = AppGroup("db", help="Database migrations.")
content_cli = AppGroup("content", help="Check course content.")
translate_cli = AppGroup("translate", help="Interface translations (Flask-Babel).")
users_cli = AppGroup("users", help="Staff accounts.")
sessions_cli = AppGroup("sessions", help="Class sessions and join codes.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations (to the newest by default)."""
    migrations.upgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Revert migrations down to REVISION (e.g. base)."""
    migrations.downgrade(current_app.config["DATABASE_URL"], revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does.")
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models; read it before committing."""
    config = migrations.alembic_config(current_app.config["DATABASE_URL"])
    command.revision(config, message=message, autogenerate=True)


@db_cli.command("check")
def db_check() -> None:
    """Fail if the database schema and the models differ."""
    found = migrations.differences(get_engine(), Base.metadata)
    for difference in found:
        click.echo(f"differs: {difference}")
    if found:
        sys.exit(1)
    click.echo("The database matches the models.")


@content_cli.command("check")
@click.option("--content-dir", type=click.Path(path_type=Path), default=None)
def content_check(content_dir: Path | None) -> None:
    """List every content problem as path:line: message; exit 1 if there is any."""
    root = content_dir or Path(current_app.config["CONTENT_DIR"])
    catalog = load_catalog(
        root,
        current_app.config["LANGUAGES"],
        today=date.today(),
        contact_max_age_days=current_app.config["CONTACT_MAX_AGE_DAYS"],
        seconds_per_file=current_app.config["CONTENT_SECONDS_PER_FILE"],
        source_max_age_days=current_app.config["CONTACT_SOURCE_MAX_AGE_DAYS"],
    )
    for problem in catalog.problems:
        click.echo(f"{root.name}/{problem}", err=True)
    modules = sum(len(c.modules) for c in catalog.courses)
    versions = sum(len(m.versions) for c in catalog.courses for m in c.modules)
    click.echo(
        f"{len(catalog.courses)} courses, {modules} modules, {versions} module files, "
        f"{len(catalog.contacts)} contacts; {len(catalog.problems)} problems"
    )
    if catalog.problems:
        sys.exit(1)


@content_cli.command("mark-translated")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def content_mark_translated(files: tuple[Path, ...]) -> None:
    """Record that each translation FILE matches its source as the source is now."""
    root = Path(current_app.config["CONTENT_DIR"]).resolve()
    catalog = load_catalog(root, current_app.config["LANGUAGES"], today=date.today())
    for file in files:
        match = MODULE_FILE.match(file.name)
        course = catalog.course(file.resolve().parent.name)
        module = course.module(match.group(2)) if course and match else None
        if module is None or match is None:
            raise click.ClickException(f"{file}: not a module file in {root}")
        language = match.group(3)
        if language == module.default_language:
            raise click.ClickException(f"{file}: this is the source, not a translation")
        if language not in module.versions:
            raise click.ClickException(f"{file}: fix it first (flask content check)")
        mark_translated(
            root / module.versions[language].path,
            module.version(module.default_language),
        )
        click.echo(f"{file}: up to date with {module.default_language}")


def _pybabel(*args: str) -> None:
    subprocess.run(  # noqa: S603 - fixed executable, arguments from this module
        [sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT
    )


@translate_cli.command("update")
def translate_update() -> None:
    """Extract interface strings and merge them into every catalogue."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "messages.pot", ".")
    _pybabel("update", "-i", "messages.pot", "-d", "translations", "--no-wrap")
    (ROOT / "messages.pot").unlink()
    # The interface is written in English: its catalogue is its own source strings.
    fill_source_catalog(ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile the catalogues to .mo files."""
    _pybabel("compile", "-d", "translations", "--use-fuzzy")


@translate_cli.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalogue for a new LANGUAGE."""
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-o", "messages.pot", ".")
    _pybabel("init", "-i", "messages.pot", "-d", "translations", "-l", language)
    (ROOT / "messages.pot").unlink()


@users_cli.command("create")
@click.option("--username", required=True)
@click.option(
    "--role", type=click.Choice(["facilitator", "editor", "admin"]), required=True
)
@click.option("--organisation", default="Jaring", show_default=True)
@click.option("--display-name", default=None)
@click.password_option(envvar="JARING_PASSWORD")
def users_create(
    username: str, role: str, organisation: str, display_name: str | None, password: str
) -> None:
    """Create a staff account (password asked for, or read from JARING_PASSWORD)."""
    db = get_session()
    org = accounts.get_or_create_organisation(db, organisation)
    try:
        accounts.create_staff(db, org, username, password, Role(role), display_name)
    except accounts.AccountError as error:
        raise click.ClickException(f"{error.field}: {error.code}") from error
    click.echo(f"Created {role} '{username}' in {organisation}.")


@sessions_cli.command("create")
@click.option("--title", required=True, help="e.g. 'SMP 2 Mataram, class 9B'")
@click.option("--organisation", default="Jaring", show_default=True)
@click.option("--country", default=None, help="Two-letter code, e.g. ID.")
def sessions_create(title: str, organisation: str, country: str | None) -> None:
    """Create a class session and print its join code."""
    db = get_session()
    org = accounts.get_or_create_organisation(db, organisation)
    class_session = accounts.create_class_session(db, org, title, country=country)
    click.echo(class_session.join_code)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    for group in (db_cli, content_cli, translate_cli, users_cli, sessions_cli):
        app.cli.add_command(group)
