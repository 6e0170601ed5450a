"""Back up and restore the database: SQLite's online backup, pg_dump for PostgreSQL.

A backup is a consistent copy taken while the site runs. Restoring replaces what the
database holds with the backup. Both files are readable by their owner only. The
password of a PostgreSQL URL is passed in the environment, never on a command line.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump and pg_restore with fixed arguments
from pathlib import Path

from sqlalchemy import URL, make_url

TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


def backup(database_url: str, target: Path) -> None:
    """Write a consistent copy of the database to `target`."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        _copy_sqlite(_sqlite_path(url), str(target))
    else:
        _pg("pg_dump", url, "--format=custom", "--no-owner", f"--file={target}")
    os.chmod(target, 0o600)


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup in `source`."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _check_sqlite_backup(source)
        _copy_sqlite(str(source), _sqlite_path(url))
    else:
        _pg("pg_restore", url, "--clean", "--if-exists", "--no-owner",
            "--single-transaction", str(source), database_flag=True)  # fmt: skip


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("This SQLite database lives in memory: there is no file.")
    return url.database


def _check_sqlite_backup(source: Path) -> None:
    """Refuse a file that is not a Jaring database, before anything is replaced."""
    problem = None
    try:
        with sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True) as db:
            tables = {row[0] for row in db.execute(TABLES)}
    except sqlite3.DatabaseError as error:
        problem = str(error)
    else:
        if "user_account" not in tables:
            problem = "it has no Jaring tables"
    if problem:
        raise BackupError(
            f"{source} is not a Jaring backup ({problem}). Nothing was changed."
        )


def _copy_sqlite(source: str, target: str) -> None:
    """Copy one SQLite database into another with the online backup API."""
    if not Path(source).is_file():
        raise BackupError(f"There is no database file at {source}.")
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    # A restored database must not be read from a stale write-ahead log.
    with sqlite3.connect(target) as copy:
        copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _pg(program: str, url: URL, *args: str, database_flag: bool = False) -> None:
    """Run pg_dump or pg_restore against the database of `url`."""
    conninfo = url.set(drivername="postgresql", password=None, query={})
    command = [program, *args]
    schema = _schema(url)
    if schema:
        command.append(f"--schema={schema}")
    target = conninfo.render_as_string(hide_password=False)
    command += [f"--dbname={target}"] if database_flag else [target]
    environment = {**os.environ, "PGPASSWORD": url.password or ""}
    try:
        subprocess.run(  # noqa: S603 - fixed program, arguments built here
            command, check=True, capture_output=True, env=environment, timeout=3600
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{program} is not installed (Debian: postgresql-client)."
        ) from exc
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip().splitlines()[-1:]
        raise BackupError(f"{program} failed: {' '.join(detail)}") from exc


def _schema(url: URL) -> str | None:
    """Return the schema named by `options=-csearch_path=...` in the URL, if any."""
    options = url.query.get("options")
    text = options if isinstance(options, str) else ""
    prefix = "-csearch_path="
    return text[len(prefix) :] if text.startswith(prefix) else None
