"""Remember the device a deleted learner or membership came from.

Revision ID: b3f1c2d4e5a6
Revises: 4d6b9048e768
Create Date: 2026-12-02 16:00:00

A laptop's pull carries back the deletions of its own records; tombstones made
before this keep None and are not carried back.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3f1c2d4e5a6"
down_revision: str | Sequence[str] | None = "4d6b9048e768"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add sync_tombstone.device_id."""
    with op.batch_alter_table("sync_tombstone", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_sync_tombstone_device_id"), ["device_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_sync_tombstone_device_id_sync_device"),
            "sync_device",
            ["device_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Drop sync_tombstone.device_id."""
    with op.batch_alter_table("sync_tombstone", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sync_tombstone_device_id_sync_device"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_sync_tombstone_device_id"))
        batch_op.drop_column("device_id")
