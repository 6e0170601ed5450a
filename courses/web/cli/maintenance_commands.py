"""`flask backup`, `flask restore` and `flask retention`: keeping data safe and
keeping it no longer than needed (both suitable for cron)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from courses.people.retention import apply_retention
from courses.platform.backups import BackupError, backup, restore
from courses.platform.db import get_session

retention_cli = AppGroup(
    "retention", help="Anonymise learners of sessions closed long ago."
)


@click.command("backup")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(file: Path) -> None:
    """Write a consistent copy of the database to FILE (while the site runs)."""
    try:
        backup(current_app.config["DATABASE_URL"], file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {file}.")


@click.command("restore")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(file: Path, yes: bool) -> None:
    """Replace everything in the database with the backup in FILE."""
    if not yes:
        click.confirm("This replaces everything in the database. Go on?", abort=True)
    try:
        restore(current_app.config["DATABASE_URL"], file)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {file}.")


@retention_cli.command("apply")
@click.option("--days", type=int, default=None, help="Default: RETENTION_DAYS.")
@click.option("--dry-run", is_flag=True, help="Only count who would be anonymised.")
def retention_apply(days: int | None, dry_run: bool) -> None:
    """Anonymise learners whose sessions all closed more than DAYS ago."""
    limit = days if days is not None else current_app.config["RETENTION_DAYS"]
    if limit < 1:
        raise click.ClickException("The number of days must be 1 or more.")
    result = apply_retention(get_session(), limit, dry_run=dry_run)
    verb = "would be" if dry_run else "were"
    click.echo(
        f"{result.anonymised} learners {verb} anonymised (sessions closed before "
        f"{result.cutoff.date().isoformat()})."
    )
