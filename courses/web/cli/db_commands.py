"""`flask db ...`: apply, revert, write and check database migrations."""

import sys

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup

from courses.people import models  # noqa: F401 - registers every table
from courses.platform import migrations
from courses.platform.db import Base, get_engine

db_cli = AppGroup("db", help="Database migrations.")


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
