"""notice: the campaign's issuing office and the notice's wording; objection reference numbers

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:00:00

The campaign office (落款, telephone, postal address and postcode) lives on the campaign
beside its mailbox (`admin_email`); the notice's title and opening paragraph are kept only
when a campaign overrides the catalogue's defaults. Every objection gets a reference number
(year and a random code) that the objector quotes; rows recorded before this get one here.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The same alphabet as workflow.objection_reference (copied: a migration stays as it was).
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("office_phone", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("office_address", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("office_postcode", sa.String(length=6), nullable=True))
        batch_op.add_column(sa.Column("notice_title", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("notice_opening", sa.Text(), nullable=True))
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reference", sa.String(length=20), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, created_at FROM objections")).all()
    for row_id, created_at in rows:
        year = str(created_at)[:4]
        code = "".join(secrets.choice(_ALPHABET) for _ in range(8))
        bind.execute(
            sa.text("UPDATE objections SET reference = :ref WHERE id = :id"),
            {"ref": f"{year}-{code}", "id": row_id},
        )
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.create_index("ix_objections_reference", ["reference"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_index("ix_objections_reference")
        batch_op.drop_column("reference")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        for column in (
            "notice_opening",
            "notice_title",
            "office_postcode",
            "office_address",
            "office_phone",
            "office_name",
        ):
            batch_op.drop_column(column)
