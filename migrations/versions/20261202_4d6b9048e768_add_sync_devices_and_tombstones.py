"""Add sync: devices, tombstones, what a laptop sent, and where records came from.

Revision ID: 4d6b9048e768
Revises: 70b7ce28e5f5
Create Date: 2026-12-02 14:12:36.792841

Sessions and learners get a nullable device_id (None: made on this machine); existing
rows keep None.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4d6b9048e768"
down_revision: str | Sequence[str] | None = "70b7ce28e5f5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the sync tables and the device columns."""
    op.create_table(
        "sync_outgoing_bundle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_outgoing_bundle")),
    )
    op.create_table(
        "sync_sent_record",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_sync_sent_record")),
    )
    op.create_table(
        "sync_tombstone",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("public_id", sa.String(length=22), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "public_id", name=op.f("pk_sync_tombstone")),
    )
    op.create_table(
        "sync_device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=22), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_generation", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.Column("last_digest", sa.String(length=64), nullable=True),
        sa.Column("records_received", sa.Integer(), nullable=False),
        sa.Column("bundles_received", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_sync_device_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_device")),
        sa.UniqueConstraint("public_id", name=op.f("uq_sync_device_public_id")),
    )
    with op.batch_alter_table("sync_device", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_device_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_class_session_device_id"), ["device_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_class_session_device_id_sync_device"),
            "sync_device",
            ["device_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_user_account_device_id"), ["device_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_user_account_device_id_sync_device"),
            "sync_device",
            ["device_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Drop the device columns and the sync tables (synced rows stay, unmarked)."""
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_user_account_device_id_sync_device"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_user_account_device_id"))
        batch_op.drop_column("device_id")

    with op.batch_alter_table("class_session", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_class_session_device_id_sync_device"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_class_session_device_id"))
        batch_op.drop_column("device_id")

    with op.batch_alter_table("sync_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_device_organisation_id"))

    op.drop_table("sync_device")
    op.drop_table("sync_tombstone")
    op.drop_table("sync_sent_record")
    op.drop_table("sync_outgoing_bundle")
