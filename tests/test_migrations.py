"""Migrations and models agree, and upgrade/downgrade work, on SQLite and PostgreSQL."""

from sqlalchemy import inspect, text

from courses.people import models  # noqa: F401 - registers the tables
from courses.platform import migrations
from courses.platform.db import Base, make_engine


def test_upgrade_matches_models_and_downgrade_round_trips(database_url):
    migrations.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        assert migrations.differences(engine, Base.metadata) == []
        migrations.downgrade(database_url, "base")
        remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        migrations.upgrade(database_url)
        assert migrations.differences(engine, Base.metadata) == []
    finally:
        engine.dispose()


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_learner_table_holds_no_personal_data_beyond_a_display_name(database_url):
    migrations.upgrade(database_url)
    engine = make_engine(database_url)
    columns = {c["name"] for c in inspect(engine).get_columns("user_account")}
    engine.dispose()
    assert columns == {
        "id", "organisation_id", "role", "display_name", "username", "password_hash",
        "resume_code_hash", "class_session_id", "locale", "session_token", "created_at",
    }  # fmt: skip
