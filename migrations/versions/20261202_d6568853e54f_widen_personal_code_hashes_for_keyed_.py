"""Widen personal code hashes for keyed hashes ("h1:" + HMAC-SHA256).

Revision ID: d6568853e54f
Revises: ec2b546ed1ee
Create Date: 2026-12-02 10:54:45.314836

Rows made before keep their bare SHA-256 until the learner next signs in with the
code, when it is replaced by the keyed hash.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d6568853e54f"
down_revision: str | Sequence[str] | None = "ec2b546ed1ee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Make room for the prefix of keyed hashes."""
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column(
            "resume_code_hash",
            existing_type=sa.VARCHAR(length=64),
            type_=sa.String(length=80),
            existing_nullable=True,
        )


def downgrade() -> None:
    """Narrow the column again; keyed hashes do not fit and are dropped.

    Learners whose code was keyed then need a new code from their facilitator.
    """
    op.execute(
        "UPDATE user_account SET resume_code_hash = NULL "
        "WHERE length(resume_code_hash) > 64"
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column(
            "resume_code_hash",
            existing_type=sa.String(length=80),
            type_=sa.VARCHAR(length=64),
            existing_nullable=True,
        )
