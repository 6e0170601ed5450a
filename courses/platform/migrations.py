"""Alembic from Python: upgrade, downgrade and the models-vs-migrations comparison."""

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from courses import models  # noqa: F401 - registers every table on Base.metadata
from courses.db import Base

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    """Return an Alembic config pointing at our migrations and `url`."""
    config = Config(toml_file=str(ROOT / "pyproject.toml"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations up to `revision`."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Revert migrations down to `revision`."""
    command.downgrade(alembic_config(url), revision)


def differences(engine: Engine) -> list[object]:
    """Return what differs between the database schema and the models (empty = same)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, Base.metadata))
