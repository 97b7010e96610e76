"""accounts: a password an administrator generated must be changed at the next login

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 07:40:00

`users.must_change_password` is set when an administrator resets a password to a generated
one-time password and cleared when the person changes it; until then the pages lead only to
`/account` and the API answers only `/api/me` and `/api/me/password`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
