"""review tasks and audit events record the account, not only a display name

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 03:10:00

Two reviewers may share a display name (common Chinese names, role names such as
纪检监察审核员): a claimed task now belongs to the account that claimed it
(review_tasks.assignee_user_id), and every audit event written by a logged-in person records
that account's id and username beside the display name. Both are nullable: the system, CLI
roles without an account and every event written before have none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_review_tasks_assignee_user_id_users"), "users", ["assignee_user_id"], ["id"]
        )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("actor_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("actor_username", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("actor_username")
        batch_op.drop_column("actor_user_id")
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_review_tasks_assignee_user_id_users"), type_="foreignkey")
        batch_op.drop_column("assignee_user_id")
