"""hardening: the audit chain keyed

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 06:30:00

(Rate limits are kept by the `limits` library in Redis or in memory, not in the database.)

Audit events record the id of the key their hash is an HMAC under (`audit_events.key_id`);
events written before have none and keep their plain SHA-256, which is how verification tells
the two formats apart. The head row carries a seal (HMAC of its seq and hash) and its key id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("seal")
        batch_op.drop_column("key_id")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("key_id")
