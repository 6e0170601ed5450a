"""Add facilitation: session details and modules, co-facilitators, memberships, head
counts, group answers, one-time staff links, and random public ids.

Revision ID: 70b7ce28e5f5
Revises: d6568853e54f
Create Date: 2026-12-02 11:09:23.631068

Learners move from user_account.class_session_id (one session each) to memberships
(any number); every existing learner gets a membership of their session. Rows that
exist already get random public ids.
"""

import secrets
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "70b7ce28e5f5"
down_revision: str | Sequence[str] | None = "d6568853e54f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PUBLIC_ID_TABLES = ("organisation", "user_account", "class_session", "quiz_attempt")


def upgrade() -> None:
    """Create the new tables, fill the new columns, move learners to memberships."""
    _create_tables()
    with op.batch_alter_table("class_session") as batch:
        batch.add_column(sa.Column("public_id", sa.String(22), nullable=True))
        batch.add_column(sa.Column("kind", sa.String(10), server_default="school", nullable=False))
        batch.add_column(sa.Column("place_name", sa.String(120), server_default="", nullable=False))
        batch.add_column(sa.Column("district", sa.String(80), server_default="", nullable=False))
        batch.add_column(sa.Column("province", sa.String(80), server_default="", nullable=False))
        batch.add_column(sa.Column("held_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("shared_phone", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("answers_released_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_class_session_held_on", ["held_on"], unique=False)
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(sa.Column("public_id", sa.String(22), nullable=True))
    with op.batch_alter_table("quiz_attempt") as batch:
        batch.add_column(sa.Column("public_id", sa.String(22), nullable=True))
        batch.add_column(sa.Column("session_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("public_id", sa.String(22), nullable=True))
        batch.add_column(sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False))

    _fill_public_ids()
    op.execute(
        sa.text("UPDATE class_session SET updated_at = created_at WHERE updated_at IS NULL")
    )
    _memberships_from_class_session_ids()

    with op.batch_alter_table("class_session") as batch:
        batch.alter_column("public_id", existing_type=sa.String(22), nullable=False)
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.create_unique_constraint("uq_class_session_public_id", ["public_id"])
    with op.batch_alter_table("organisation") as batch:
        batch.alter_column("public_id", existing_type=sa.String(22), nullable=False)
        batch.create_unique_constraint("uq_organisation_public_id", ["public_id"])
    with op.batch_alter_table("quiz_attempt") as batch:
        batch.alter_column("public_id", existing_type=sa.String(22), nullable=False)
        batch.create_unique_constraint("uq_quiz_attempt_public_id", ["public_id"])
        batch.create_index("ix_quiz_attempt_session_id", ["session_id"], unique=False)
        batch.create_foreign_key(
            "fk_quiz_attempt_session_id_class_session",
            "class_session",
            ["session_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("user_account") as batch:
        batch.alter_column("public_id", existing_type=sa.String(22), nullable=False)
        batch.create_unique_constraint("uq_user_account_public_id", ["public_id"])
        batch.drop_index("ix_user_account_class_session_id")
        batch.drop_constraint(
            "fk_user_account_class_session_id_class_session", type_="foreignkey"
        )
        batch.drop_column("class_session_id")


def _create_tables() -> None:
    op.create_table(
        "session_module",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("course_slug", sa.String(80), nullable=False),
        sa.Column("module_slug", sa.String(80), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"], name="fk_session_module_session_id_class_session", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_session_module"),
        sa.UniqueConstraint("session_id", "position", name="uq_session_module_position"),
    )
    op.create_index("ix_session_module_session_id", "session_module", ["session_id"])
    op.create_table(
        "co_facilitator",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"], name="fk_co_facilitator_session_id_class_session", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_co_facilitator_user_id_user_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("session_id", "user_id", name="pk_co_facilitator"),
    )
    op.create_index("ix_co_facilitator_user_id", "co_facilitator", ["user_id"])
    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(22), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(40), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"], name="fk_membership_session_id_class_session", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_membership_user_id_user_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_membership"),
        sa.UniqueConstraint("public_id", name="uq_membership_public_id"),
        sa.UniqueConstraint("session_id", "user_id", name="uq_membership_session_user"),
        sa.UniqueConstraint("session_id", "name_key", name="uq_membership_session_name"),
    )
    op.create_index("ix_membership_session_id", "membership", ["session_id"])
    op.create_index("ix_membership_user_id", "membership", ["user_id"])
    op.create_table(
        "head_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(22), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(10), nullable=False),
        sa.Column("age_band", sa.String(10), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"], name="fk_head_count_session_id_class_session", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_head_count"),
        sa.UniqueConstraint("public_id", name="uq_head_count_public_id"),
        sa.UniqueConstraint("session_id", "sex", "age_band", name="uq_head_count_group"),
    )
    op.create_index("ix_head_count_session_id", "head_count", ["session_id"])
    op.create_table(
        "group_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(22), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("course_slug", sa.String(80), nullable=False),
        sa.Column("module_slug", sa.String(80), nullable=False),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("right_keys", sa.JSON(), nullable=False),
        sa.Column("quiz_fingerprint", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["class_session.id"], name="fk_group_answer_session_id_class_session", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_group_answer"),
        sa.UniqueConstraint("public_id", name="uq_group_answer_public_id"),
        sa.UniqueConstraint("session_id", "course_slug", "module_slug", "question_id", name="uq_group_answer_question"),
    )
    op.create_index("ix_group_answer_session_id", "group_answer", ["session_id"])
    op.create_table(
        "staff_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["user_account.id"], name="fk_staff_link_created_by_id_user_account", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name="fk_staff_link_user_id_user_account", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_staff_link"),
        sa.UniqueConstraint("token_hash", name="uq_staff_link_token_hash"),
    )
    op.create_index("ix_staff_link_user_id", "staff_link", ["user_id"])


def _fill_public_ids() -> None:
    """Give every existing row of the tables that now have public ids a random one."""
    connection = op.get_bind()
    for table in PUBLIC_ID_TABLES:
        ids = connection.execute(sa.text(f"SELECT id FROM {table}")).scalars().all()  # noqa: S608 - fixed names
        for row_id in ids:
            connection.execute(
                sa.text(f"UPDATE {table} SET public_id = :p WHERE id = :i"),  # noqa: S608
                {"p": secrets.token_urlsafe(12), "i": row_id},
            )


def _memberships_from_class_session_ids() -> None:
    """Give each learner a membership of the session they had joined."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, class_session_id, display_name, created_at FROM user_account "
            "WHERE class_session_id IS NOT NULL ORDER BY id"
        )
    ).all()
    taken: set[tuple[int, str]] = set()
    for user_id, session_id, display_name, created_at in rows:
        key = unicodedata.normalize("NFKC", display_name).casefold()[:36]
        candidate, number = key, 2
        while (session_id, candidate) in taken:  # two learners shared a name before
            candidate, number = f"{key} {number}", number + 1
        taken.add((session_id, candidate))
        connection.execute(
            sa.text(
                "INSERT INTO membership (public_id, session_id, user_id, name_key, "
                "joined_at) VALUES (:p, :s, :u, :n, :j)"
            ),
            {
                "p": secrets.token_urlsafe(12),
                "s": session_id,
                "u": user_id,
                "n": candidate,
                "j": created_at or datetime.now(UTC),
            },
        )


def downgrade() -> None:
    """Drop the facilitation tables; a learner keeps the session they joined last."""
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("class_session_id", sa.Integer(), nullable=True))
    op.execute(
        sa.text(
            "UPDATE user_account SET class_session_id = (SELECT m.session_id FROM "
            "membership m WHERE m.user_id = user_account.id ORDER BY m.joined_at DESC, "
            "m.id DESC LIMIT 1)"
        )
    )
    with op.batch_alter_table("user_account") as batch:
        batch.create_foreign_key(
            "fk_user_account_class_session_id_class_session",
            "class_session",
            ["class_session_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index("ix_user_account_class_session_id", ["class_session_id"])
        batch.drop_constraint("uq_user_account_public_id", type_="unique")
        batch.drop_column("active")
        batch.drop_column("public_id")
    with op.batch_alter_table("quiz_attempt") as batch:
        batch.drop_constraint("fk_quiz_attempt_session_id_class_session", type_="foreignkey")
        batch.drop_constraint("uq_quiz_attempt_public_id", type_="unique")
        batch.drop_index("ix_quiz_attempt_session_id")
        batch.drop_column("session_id")
        batch.drop_column("public_id")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_constraint("uq_organisation_public_id", type_="unique")
        batch.drop_column("public_id")
    with op.batch_alter_table("class_session") as batch:
        batch.drop_constraint("uq_class_session_public_id", type_="unique")
        batch.drop_index("ix_class_session_held_on")
        for column in (
            "updated_at", "answers_released_at", "shared_phone", "language", "held_on",
            "province", "district", "place_name", "kind", "public_id",
        ):  # fmt: skip
            batch.drop_column(column)
    for table in (
        "staff_link", "group_answer", "head_count", "membership", "co_facilitator",
        "session_module",
    ):  # fmt: skip
        op.drop_table(table)
