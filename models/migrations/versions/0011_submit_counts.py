"""nominations: indexes for a unit's place and official counts at submit

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 13:45:00

The submit guards (workflow.rules.quota) count a unit's live main nominations and, for an
official, its officials. Before, the place count read every row of the unit from the heap
and the officials were found by loading every nominee's facts, so a submit grew with the
unit (bench/bench_submit.py). ix_nominations_unit_places holds every column the place count
names (id too: a step-up leaves the alternate itself out); ix_nominations_unit_official
holds the official level read from the facts, written as models.nominations.OfficialLevel
compiles it on each database.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The same expressions as models.nominations.OfficialLevel (copied: a migration stays as it was).
_LEVEL = {
    "postgresql": "(facts ->> 'official_level')",
    "sqlite": "json_extract(facts, '$.official_level')",
}


def upgrade() -> None:
    level = _LEVEL.get(op.get_bind().dialect.name, _LEVEL["sqlite"])
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nominations_unit_places",
            ["campaign_id", "unit_id", "rank", "status", "category", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_nominations_unit_official",
            ["campaign_id", "unit_id", sa.text(level), "rank"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index("ix_nominations_unit_official")
        batch_op.drop_index("ix_nominations_unit_places")
