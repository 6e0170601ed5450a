"""Fixtures: an app on a fresh database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from app import create_app
from courses.platform.db import Base, get_engine

FIXTURES = Path(__file__).parent
pytest_plugins = ["tests.browser"]  # the browser fixtures, for the browser test modules
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
DATABASES = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    """Refuse to run without PostgreSQL when CI requires it (never a silent skip)."""
    if REQUIRE_POSTGRES and not PG_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With REQUIRE_POSTGRES, fail unless PostgreSQL-backed tests were collected."""
    if REQUIRE_POSTGRES and not any("postgresql" in item.nodeid for item in items):
        raise pytest.UsageError("no PostgreSQL-backed tests were collected")


def _pg_schema_url(schema: str) -> str:
    joiner = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{joiner}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_pg_schema(prefix: str = "t") -> Iterator[str]:
    """Yield the URL of a new, empty PostgreSQL schema; drop it afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty database: a SQLite file, or a fresh PG schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    with fresh_pg_schema() as url:
        yield url


def make_app(database_url: str, tmp_path: Path, **overrides: object) -> Flask:
    """Create a test app on `database_url` with the schema created from the models."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "CONTENT_DIR": FIXTURES / "content",
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(overrides)
    app = create_app(config)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        Base.metadata.create_all(get_engine())
    return app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Yield an app with an empty, migrated-equivalent database."""
    application = make_app(database_url, tmp_path)
    yield application
    with application.app_context():
        get_engine().dispose()


@pytest.fixture
def app_factory(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Yield a builder of apps with extra settings; their engines are closed after."""
    built: list[Flask] = []

    def build(**overrides: object) -> Flask:
        application = make_app(database_url, tmp_path, **overrides)
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            get_engine().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # noqa: ANN201 - FlaskCliRunner
    """Return a CLI runner."""
    return app.test_cli_runner()


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client: FlaskClient, url: str = "/") -> str:
    """Return a CSRF token from a page's form (as a browser would find it)."""
    page = client.get(url).get_data(as_text=True)
    match = CSRF_INPUT.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1)
