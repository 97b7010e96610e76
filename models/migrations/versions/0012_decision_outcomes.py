"""decision outcomes: the committee decision's outcome per nominee, applied in batches

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:20:00

The committee decision writes one row per nominee on the list in its own transaction, then
applies the rows to the nominations batch by batch (workflow.services.decision_outcomes), so
no other change in the campaign waits for the whole list. A decision taken before this
revision was applied in one transaction and has no rows here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_outcomes",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"]),
        sa.ForeignKeyConstraint(["nomination_id"], ["nominations.id"]),
        sa.PrimaryKeyConstraint("campaign_id", "nomination_id"),
    )
    op.create_index(
        "ix_decision_outcomes_pending",
        "decision_outcomes",
        ["applied_at", "campaign_id", "nomination_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_decision_outcomes_pending", table_name="decision_outcomes")
    op.drop_table("decision_outcomes")
