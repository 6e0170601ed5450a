"""Database engine and a session per request (plain SQLAlchemy 2.x)."""

import os
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, MetaData, create_engine, event, make_url, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model; stable constraint names for Alembic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, busy_ms: int = 30_000, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and foreign keys.

    A SQLite file (and so its WAL, which SQLite creates with the same rights) is
    readable by its owner only: it holds learners' names and answers.
    """
    if url.startswith("sqlite"):
        _private_file(make_url(url).database)
        engine = create_engine(url, connect_args={"timeout": busy_ms / 1000}, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, busy_ms=busy_ms))
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, **kwargs)
    except ModuleNotFoundError as missing:
        raise MissingDriverError(url, missing.name) from missing


class MissingDriverError(RuntimeError):
    """A database URL whose driver is not installed (a laptop has SQLite only)."""

    def __init__(self, url: str, module: str | None) -> None:
        super().__init__(
            f"The database in DATABASE_URL ({make_url(url).get_backend_name()}) needs "
            f"the Python package {module!r}, which is not installed. A server install "
            "has it: pip install -e '.[server]'."
        )


def _private_file(path: str | None) -> None:
    """Create the database file (and its folder) for the owner alone."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    file = Path(path)
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(file, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(file, 0o600)
    for extra in ("-wal", "-shm"):
        sibling = file.with_name(file.name + extra)
        if sibling.exists():
            os.chmod(sibling, 0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, busy_ms: int) -> None:
    """Make SQLite safe for many writers: WAL, wait when locked, foreign keys;
    deleted rows are overwritten, not just unlinked (secure_delete)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=" + str(int(busy_ms)))  # a number, never text
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def forget_deleted(session: Session) -> None:
    """After deleting someone's data, leave none of it in SQLite's write-ahead log.

    The checkpoint copies the log into the database file (where secure_delete has
    overwritten the rows) and truncates the log. Nothing to do on PostgreSQL.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def init_app(app: Flask) -> None:
    """Build the engine from DATABASE_URL; close each request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_MS"])
    app.extensions["db"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)


def get_engine() -> Engine:
    """Return the application's engine."""
    bind: Engine = current_app.extensions["db"].kw["bind"]
    return bind


def get_session() -> Session:
    """Return the database session of this request, opening it on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["db"]()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the request's session, if one was opened."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
