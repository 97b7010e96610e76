"""objections answered by the unit and decided by the working team; attachments

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 06:20:00

The recommending unit answers an objection with its findings (answer, answered_at, who);
the working team then decides it (decision_reason, who; resolved_at stays the decision's
time). Rows decided before keep their unit's finding in `finding` and have no answer: they
stay valid as they are. Attachments: files kept as evidence (a nomination's material, an
objector's letter, a unit's report), the content in a store under its SHA-256.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from models.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("answered_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_objections_answered_by_user_id_users"),
            "users",
            ["answered_by_user_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            op.f("fk_objections_decided_by_user_id_users"), "users", ["decided_by_user_id"], ["id"]
        )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=20), nullable=False),
        sa.Column("nomination_id", sa.Integer(), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["nomination_id"],
            ["nominations.id"],
            name=op.f("fk_attachments_nomination_id_nominations"),
        ),
        sa.ForeignKeyConstraint(
            ["objection_id"], ["objections.id"], name=op.f("fk_attachments_objection_id_objections")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_user_id"],
            ["users.id"],
            name=op.f("fk_attachments_uploaded_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_nomination_id"), ["nomination_id"])
        batch_op.create_index(batch_op.f("ix_attachments_objection_id"), ["objection_id"])


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_objection_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_nomination_id"))
    op.drop_table("attachments")
    with op.batch_alter_table("objections", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_objections_decided_by_user_id_users"), type_="foreignkey")
        batch_op.drop_constraint(
            op.f("fk_objections_answered_by_user_id_users"), type_="foreignkey"
        )
        for column in ("decided_by", "decided_by_user_id", "decision_reason", "answered_by",
                       "answered_by_user_id", "answered_at", "answer"):  # fmt: skip
            batch_op.drop_column(column)
