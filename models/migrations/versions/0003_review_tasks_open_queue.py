"""review tasks: partial index for the reviewer queue

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 17:15:00

The queue (GET /api/tasks, reviews.queue, the inbox) asks for the open and claimed tasks of
one department and role, soonest due first. ix_review_tasks_queue (department, status,
due_at) cannot give that order for `status IN ('open', 'claimed')` and does not hold the
role, so every request read all live tasks of the department from the heap and sorted them
(bench/bench_queue.py). This index holds only the live tasks, in the queue's order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

LIVE = "status IN ('open', 'claimed')"


def upgrade() -> None:
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_tasks_open_queue",
            ["department", "role", "due_at", "id"],
            unique=False,
            postgresql_where=sa.text(LIVE),
            sqlite_where=sa.text(LIVE),
        )


def downgrade() -> None:
    with op.batch_alter_table("review_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_review_tasks_open_queue")
