"""Alembic from Python: upgrade, downgrade and the models-vs-migrations comparison."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, MetaData

from courses.platform.config import BASE_DIR as ROOT


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


def differences(engine: Engine, metadata: MetaData) -> list[object]:
    """Return what differs between the database schema and `metadata` (empty = same).

    Pass `Base.metadata` after importing `courses.people.models`, which registers
    every table on it.
    """
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, metadata))
