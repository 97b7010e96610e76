"""place tallies: a unit's nominations counted by rank, category, official level and standing

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 19:00:00

The submit guards (workflow.rules.quota) read a unit's place holders, officials and live
alternates' categories from place_tallies (models/place_tally.py) instead of counting the
unit's nominations, so a submit costs the same in a unit of 50 or 5,000 (bench/bench_submit.py).
Triggers on nominations keep the tally in the same transaction as every change; the tally is
filled from the nominations here. The two indexes made for the old counts (0011) go: the
places index held the status, so every state change rewrote it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# As models.place_tally wrote them on 2026-12-03 (copied: a migration stays as it was).
_ENDED = "'disqualified', 'vetoed', 'removed', 'not_approved', 'withdrawn', 'revoked'"
_STANDING = (
    "CASE WHEN {row}.status = 'draft' THEN 'draft'"
    f" WHEN {{row}}.status IN ({_ENDED}) THEN 'ended'"
    " WHEN {row}.status = 'awarded' THEN 'awarded' ELSE 'open' END"
)
_LEVEL_OF = {
    "sqlite": "coalesce(json_extract({row}.facts, '$.official_level'), '')",
    "postgresql": "coalesce({row}.facts ->> 'official_level', '')",
}
_KEY = "campaign_id, unit_id, rank, category, official_level, standing"
_COUNT_IN = (
    "INSERT INTO place_tallies ({key}, counted) VALUES (NEW.campaign_id, NEW.unit_id,"
    " NEW.rank, NEW.category, {new_level}, {new_standing}, 1)"
    " ON CONFLICT ({key}) DO UPDATE SET counted = place_tallies.counted + 1;"
)
_COUNT_OUT = (
    "UPDATE place_tallies SET counted = counted - 1 WHERE campaign_id = OLD.campaign_id"
    " AND unit_id = OLD.unit_id AND rank = OLD.rank AND category = OLD.category"
    " AND official_level = {old_level} AND standing = {old_standing};"
)
_MOVED = (
    "OLD.campaign_id {d} NEW.campaign_id OR OLD.unit_id {d} NEW.unit_id"
    " OR OLD.rank {d} NEW.rank OR OLD.category {d} NEW.category"
    " OR ({old_standing}) {d} ({new_standing})"
    " OR (OLD.facts{t} {d} NEW.facts{t} AND {old_level} {d} {new_level})"
)
_WATCHED = "campaign_id, unit_id, rank, category, status, facts"
_TRIGGERS = {
    "sqlite": [
        f"CREATE TRIGGER place_tally_insert AFTER INSERT ON nominations BEGIN {_COUNT_IN} END",
        f"CREATE TRIGGER place_tally_delete AFTER DELETE ON nominations BEGIN {_COUNT_OUT} END",
        f"CREATE TRIGGER place_tally_update AFTER UPDATE OF {_WATCHED} ON nominations"
        f" WHEN {_MOVED} BEGIN {_COUNT_OUT} {_COUNT_IN} END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION place_tally_keep() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  IF TG_OP <> 'INSERT' THEN {_COUNT_OUT} END IF;\n"
        f"  IF TG_OP <> 'DELETE' THEN {_COUNT_IN} END IF;\n  RETURN NULL;\nEND $$",
        "CREATE TRIGGER place_tally_insert_delete AFTER INSERT OR DELETE ON nominations"
        " FOR EACH ROW EXECUTE FUNCTION place_tally_keep()",
        f"CREATE TRIGGER place_tally_update AFTER UPDATE OF {_WATCHED} ON nominations"
        f" FOR EACH ROW WHEN ({_MOVED}) EXECUTE FUNCTION place_tally_keep()",
    ],
}
_RECOUNT = (
    "INSERT INTO place_tallies ({key}, counted) SELECT campaign_id, unit_id, rank, category,"
    " {level}, {standing}, count(*) FROM nominations GROUP BY campaign_id, unit_id, rank,"
    " category, {level}, {standing}"
)
_DROP = {
    "sqlite": [
        "DROP TRIGGER place_tally_update",
        "DROP TRIGGER place_tally_delete",
        "DROP TRIGGER place_tally_insert",
    ],
    "postgresql": [
        "DROP TRIGGER place_tally_update ON nominations",
        "DROP TRIGGER place_tally_insert_delete ON nominations",
        "DROP FUNCTION place_tally_keep()",
    ],
}
# The official level as 0011 indexed it.
_LEVEL = {
    "postgresql": "(facts ->> 'official_level')",
    "sqlite": "json_extract(facts, '$.official_level')",
}


def _dialect() -> str:
    name = op.get_bind().dialect.name
    return name if name in _TRIGGERS else "sqlite"


def _filled(template: str, dialect: str) -> str:
    level, postgres = _LEVEL_OF[dialect], dialect == "postgresql"
    return template.format(
        key=_KEY,
        d="IS DISTINCT FROM" if postgres else "IS NOT",
        t="::text" if postgres else "",
        old_level=level.format(row="OLD"),
        new_level=level.format(row="NEW"),
        old_standing=_STANDING.format(row="OLD"),
        new_standing=_STANDING.format(row="NEW"),
        level=level.format(row="nominations"),
        standing=_STANDING.format(row="nominations"),
    )


def upgrade() -> None:
    op.create_table(
        "place_tallies",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.String(length=10), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("official_level", sa.String(length=40), nullable=False),
        sa.Column("standing", sa.String(length=10), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "campaign_id", "unit_id", "rank", "category", "official_level", "standing"
        ),
    )
    with op.batch_alter_table("nominations", schema=None) as batch_op:
        batch_op.drop_index("ix_nominations_unit_official")
        batch_op.drop_index("ix_nominations_unit_places")
    dialect = _dialect()
    op.execute(_filled(_RECOUNT, dialect))
    for statement in _TRIGGERS[dialect]:
        op.execute(_filled(statement, dialect))


def downgrade() -> None:
    for statement in _DROP[_dialect()]:
        op.execute(statement)
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
    op.drop_table("place_tallies")
