"""calendar: a year's official holiday schedule loaded as data

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:00:00

`calendar_years` holds one row per year an administrator loaded (`honorflow calendar load`,
the calendar page): the schedule as JSON, a digest of its days, the file and who loaded it
when. The working-day calendar prefers it to the holiday package's answer for that year.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_by", sa.String(length=200), nullable=False),
        sa.Column("loaded_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )


def downgrade() -> None:
    op.drop_table("calendar_years")
