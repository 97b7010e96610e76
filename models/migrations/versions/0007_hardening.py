"""hardening: rate-limit hits shared by every web process

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01 06:30:00

Login and public-objection limits were counted in each web process's memory, so every process
(and every restart) gave a client a fresh allowance. Hits are now rows, keyed by the SHA-256
of the account or address they count against, and deleted after a day.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_limit_hits")),
    )
    op.create_index("ix_rate_limit_hits_bucket_key_at", "rate_limit_hits", ["bucket", "key", "at"])
    op.create_index(op.f("ix_rate_limit_hits_at"), "rate_limit_hits", ["at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rate_limit_hits_at"), table_name="rate_limit_hits")
    op.drop_index("ix_rate_limit_hits_bucket_key_at", table_name="rate_limit_hits")
    op.drop_table("rate_limit_hits")
