"""audit lanes: one hash chain per campaign

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:30:00

Every audit event and head row gets a lane (the campaign's id; 0 for events without one). The
chain kept until now, and its head row, become lane 0 unchanged: their seq, hashes and seal stay
as they were written, so every event before still verifies. A place (seq) is unique within its
lane; each lane has one head row, made by the lane's first append.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("audit_events", "audit_head"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("lane", sa.Integer(), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET lane = 0"))
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("lane", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_audit_events_seq", type_="unique")
        batch_op.create_unique_constraint("uq_audit_events_lane", ["lane", "seq"])
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.alter_column("lane", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint("uq_audit_head_lane", ["lane"])
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # The first head row was inserted with its id given: new lanes' rows take the next one.
        op.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('audit_head', 'id'), "
                "(SELECT COALESCE(MAX(id), 0) + 1 FROM audit_head), false)"
            )
        )


def downgrade() -> None:
    # Only a database still holding one lane can go back to one chain.
    bind = op.get_bind()
    lanes = bind.execute(sa.text("SELECT COUNT(*) FROM audit_head WHERE lane <> 0")).scalar()
    if lanes:
        raise RuntimeError("audit events are chained in campaign lanes; cannot downgrade")
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_head_lane", type_="unique")
        batch_op.drop_column("lane")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_events_lane", type_="unique")
        batch_op.create_unique_constraint("uq_audit_events_seq", ["seq"])
        batch_op.drop_column("lane")
