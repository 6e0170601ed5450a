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
        "resume_code_hash", "locale", "session_token", "created_at", "public_id",
        "active", "device_id",  # device_id: the laptop a synced learner joined on
    }  # fmt: skip


def test_learners_move_to_memberships_and_rows_get_public_ids(database_url):
    """Data made before facilitation survives the upgrade, and the way back."""
    migrations.upgrade(database_url, "d6568853e54f")
    engine = make_engine(database_url)
    try:
        with engine.begin() as db:
            db.execute(
                text(
                    "INSERT INTO organisation (id, name, created_at) "
                    "VALUES (1, 'NGO', CURRENT_TIMESTAMP)"
                )
            )
            db.execute(
                text(
                    "INSERT INTO class_session (id, organisation_id, title, join_code, "
                    "created_at) VALUES (1, 1, '9B', 'ABCDEF', CURRENT_TIMESTAMP)"
                )
            )
            for user_id, name in ((1, "Ayu"), (2, "ayu"), (3, "Budi")):
                db.execute(
                    text(
                        "INSERT INTO user_account (id, organisation_id, role, "
                        "display_name, class_session_id, session_token, created_at) "
                        "VALUES (:i, 1, 'learner', :n, 1, 't', CURRENT_TIMESTAMP)"
                    ),
                    {"i": user_id, "n": name},
                )
            db.execute(
                text(
                    "INSERT INTO module_progress (user_id, course_slug, module_slug, "
                    "started_at, attempt_count, updated_at) VALUES (1, 'c', 'm', "
                    "CURRENT_TIMESTAMP, 0, CURRENT_TIMESTAMP)"
                )
            )
        migrations.upgrade(database_url)
        with engine.connect() as db:
            # SQLite rebuilds user_account: no cascade may delete anyone's progress.
            progress = "SELECT count(*) FROM module_progress"
            assert db.execute(text(progress)).scalar() == 1
            keys = db.execute(
                text("SELECT user_id, name_key FROM membership ORDER BY user_id")
            ).all()
            assert keys == [(1, "ayu"), (2, "ayu 2"), (3, "budi")]
            ids = db.execute(text("SELECT public_id FROM user_account")).scalars().all()
            assert len(set(ids)) == 3 and all(len(i) == 16 for i in ids)
            assert db.execute(text("SELECT public_id FROM class_session")).scalar()
        migrations.downgrade(database_url, "d6568853e54f")
        with engine.connect() as db:
            back = (
                db.execute(text("SELECT class_session_id FROM user_account"))
                .scalars()
                .all()
            )
            assert back == [1, 1, 1]
    finally:
        engine.dispose()


def test_sync_migration_keeps_sessions_and_learners_both_ways(database_url):
    """Adding device columns rebuilds user_account on SQLite: nothing may be lost."""
    migrations.upgrade(database_url, "70b7ce28e5f5")
    engine = make_engine(database_url)
    count = "SELECT count(*) FROM {}"
    try:
        with engine.begin() as db:
            db.execute(
                text(
                    "INSERT INTO organisation (id, public_id, name, created_at) "
                    "VALUES (1, 'orgorgorgorgorg1', 'NGO', CURRENT_TIMESTAMP)"
                )
            )
            db.execute(
                text(
                    "INSERT INTO class_session (id, public_id, organisation_id, title, "
                    "join_code, kind, place_name, district, province, shared_phone, "
                    "created_at, updated_at) VALUES (1, 'sessionsession01', 1, '9B', "
                    "'ABCDEF', 'school', '', '', '', false, CURRENT_TIMESTAMP, "
                    "CURRENT_TIMESTAMP)"
                )
            )
            db.execute(
                text(
                    "INSERT INTO user_account (id, public_id, organisation_id, role, "
                    "display_name, session_token, active, created_at) VALUES (1, "
                    "'learnerlearner01', 1, 'learner', 'Ayu', 't', true, "
                    "CURRENT_TIMESTAMP)"
                )
            )
            db.execute(
                text(
                    "INSERT INTO membership (public_id, session_id, user_id, name_key, "
                    "joined_at) VALUES ('membermember0001', 1, 1, 'ayu', "
                    "CURRENT_TIMESTAMP)"
                )
            )
        migrations.upgrade(database_url)
        with engine.connect() as db:
            for table in ("user_account", "membership", "class_session"):
                assert db.execute(text(count.format(table))).scalar() == 1
            devices = "SELECT device_id FROM user_account UNION ALL " + (
                "SELECT device_id FROM class_session"
            )
            assert db.execute(text(devices)).scalars().all() == [None, None]
        migrations.downgrade(database_url, "70b7ce28e5f5")
        with engine.connect() as db:
            for table in ("user_account", "membership", "class_session"):
                assert db.execute(text(count.format(table))).scalar() == 1
    finally:
        engine.dispose()
