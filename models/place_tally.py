"""The place tally: how many of a unit's nominations stand where, kept by the database itself.

The submit guards ask how many of a unit's main nominations hold a place, how many of those
are officials of some level, and which categories its live alternates have
(workflow/rules/quota.py). Counting the nominations themselves grew with the unit (a submit
in a unit of 5,000 cost several times one in a unit of 50: bench/bench_submit.py); the tally
answers from a handful of rows whatever the unit holds.

Triggers on `nominations` keep it, in the same transaction as the change, for every writer
(the engine, imports, bulk loads, an administrator's SQL). A row's standing is coarser than
its status — draft, open, awarded or ended — so a state change inside the procedure
(qualification to joint review, say) changes no tally row and waits for none: only a submit,
an end, an award, a revocation, or a change of rank, category, official level or unit does.
Such a change takes its campaign's audit head first (workflow.audit.hold_lane), so that
changes never wait for each other in a circle. A write that bypasses the triggers (a restore
with them off) is found and mended by `honorflow db recount-places`, from the SQL here
(`difference_sql`, `recount_sql`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, MetaData, String, event
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.nominations import AWARDED, DRAFT, END_STATES

# A nomination's standing, from its status (see `standing_sql`).
STANDING_DRAFT, STANDING_OPEN, STANDING_AWARDED, STANDING_ENDED = (
    "draft",
    "open",
    "awarded",
    "ended",
)
NO_LEVEL = ""  # the official level tallied for a nominee who is no official


class PlaceTally(Base):
    """The count of a unit's nominations with one rank, category, level and standing."""

    __tablename__ = "place_tallies"

    campaign_id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(primary_key=True)
    rank: Mapped[str] = mapped_column(String(10), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    official_level: Mapped[str] = mapped_column(String(40), primary_key=True)
    standing: Mapped[str] = mapped_column(String(10), primary_key=True)
    counted: Mapped[int]  # how many nominations have this key


# Every status not named here is open: a definition's stages add states of their own.
_STANDING_OF = {
    DRAFT: STANDING_DRAFT,
    AWARDED: STANDING_AWARDED,
    **{state: STANDING_ENDED for state in END_STATES},
}


def standing_of(status: str) -> str:
    """A nomination's standing, from its status (as the triggers work it out)."""
    return _STANDING_OF.get(status, STANDING_OPEN)


def standing_sql(status: str) -> str:
    """SQL giving the standing of a row whose status is the expression `status`."""
    by_standing: dict[str, list[str]] = {}
    for state, standing in _STANDING_OF.items():
        by_standing.setdefault(standing, []).append(f"'{state}'")
    cases = " ".join(
        f"WHEN {status} IN ({', '.join(states)}) THEN '{standing}'"
        for standing, states in by_standing.items()
    )
    return f"CASE {cases} ELSE '{STANDING_OPEN}' END"


_LEVEL = {
    "sqlite": "coalesce(json_extract({row}.facts, '$.official_level'), '{none}')",
    "postgresql": "coalesce({row}.facts ->> 'official_level', '{none}')",
}
_KEY = ("campaign_id", "unit_id", "rank", "category", "official_level", "standing")


def _values(dialect: str, row: str) -> list[str]:
    """The tally key of the trigger's row `row` (NEW or OLD), column by column."""
    level = _LEVEL[dialect].format(row=row, none=NO_LEVEL)
    plain = [f"{row}.{column}" for column in _KEY[:4]]
    return [*plain, level, standing_sql(f"{row}.status")]


def _count_in(dialect: str) -> str:
    """Add one to the tally row of NEW, making it if it is the first."""
    columns = ", ".join(_KEY)
    return (
        f"INSERT INTO place_tallies ({columns}, counted)"
        f" VALUES ({', '.join(_values(dialect, 'NEW'))}, 1)"
        f" ON CONFLICT ({columns}) DO UPDATE SET counted = place_tallies.counted + 1;"
    )


def _count_out(dialect: str) -> str:
    """Take one from the tally row of OLD."""
    where = " AND ".join(
        f"{column} = {value}" for column, value in zip(_KEY, _values(dialect, "OLD"), strict=True)
    )
    return f"UPDATE place_tallies SET counted = counted - 1 WHERE {where};"


def _moved(dialect: str, differ: str) -> str:
    """The UPDATE trigger's condition: the row's tally key changed.

    The facts are compared whole before their level is read, so a state change reads no JSON.
    """
    old, new = _values(dialect, "OLD"), _values(dialect, "NEW")
    plain = [f"OLD.{c} {differ} NEW.{c}" for c in _KEY[:4]]
    standing = f"({old[5]}) {differ} ({new[5]})"
    facts_text = "::text" if dialect == "postgresql" else ""
    level = f"(OLD.facts{facts_text} {differ} NEW.facts{facts_text} AND {old[4]} {differ} {new[4]})"
    return " OR ".join([*plain, standing, level])


_WATCHED = "campaign_id, unit_id, rank, category, status, facts"


def trigger_ddl(dialect: str) -> list[str]:
    """The statements that make the tally's triggers on this database (SQLite or PostgreSQL)."""
    if dialect == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION place_tally_keep() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            f"  IF TG_OP <> 'INSERT' THEN {_count_out(dialect)} END IF;\n"
            f"  IF TG_OP <> 'DELETE' THEN {_count_in(dialect)} END IF;\n"
            "  RETURN NULL;\n"
            "END $$",
            "CREATE TRIGGER place_tally_insert_delete AFTER INSERT OR DELETE ON nominations"
            " FOR EACH ROW EXECUTE FUNCTION place_tally_keep()",
            f"CREATE TRIGGER place_tally_update AFTER UPDATE OF {_WATCHED} ON nominations"
            f" FOR EACH ROW WHEN ({_moved(dialect, 'IS DISTINCT FROM')})"
            " EXECUTE FUNCTION place_tally_keep()",
        ]
    return [
        "CREATE TRIGGER place_tally_insert AFTER INSERT ON nominations"
        f" BEGIN {_count_in(dialect)} END",
        "CREATE TRIGGER place_tally_delete AFTER DELETE ON nominations"
        f" BEGIN {_count_out(dialect)} END",
        f"CREATE TRIGGER place_tally_update AFTER UPDATE OF {_WATCHED} ON nominations"
        f" WHEN {_moved(dialect, 'IS NOT')}"
        f" BEGIN {_count_out(dialect)} {_count_in(dialect)} END",
    ]


def difference_sql(dialect: str) -> str:
    """One read (one snapshot) of every tally key whose count differs from the nominations':
    the campaign's and unit's codes, the key, the count held and the count the nominations
    give, in the key's order."""
    columns = ", ".join(_KEY)
    recount = ", ".join(_values(dialect, "nominations"))
    differing = (
        f"SELECT {columns}, sum(held) AS held, sum(counted) AS counted FROM ("
        f"SELECT {columns}, counted AS held, 0 AS counted FROM place_tallies"
        f" UNION ALL SELECT {recount}, 0, count(*) FROM nominations GROUP BY 1, 2, 3, 4, 5, 6"
        f") AS both_counts GROUP BY {columns} HAVING sum(held) <> sum(counted)"
    )
    keyed = ", ".join(f"d.{column}" for column in _KEY)
    return (
        f"SELECT c.code, u.code, {keyed}, d.held, d.counted FROM ({differing}) AS d"
        " LEFT JOIN campaigns AS c ON c.id = d.campaign_id"
        f" LEFT JOIN recommending_units AS u ON u.id = d.unit_id ORDER BY {keyed}"
    )


def recount_sql(dialect: str) -> list[str]:
    """The statements that rewrite the whole tally from the nominations (the caller holds the
    nominations still: see `workflow.services.place_tally`)."""
    columns = ", ".join(_KEY)
    recount = ", ".join(_values(dialect, "nominations"))
    return [
        "DELETE FROM place_tallies",
        f"INSERT INTO place_tallies ({columns}, counted) SELECT {recount}, count(*)"
        " FROM nominations GROUP BY 1, 2, 3, 4, 5, 6",
    ]


@event.listens_for(Base.metadata, "after_create")
def _make_triggers(target: MetaData, connection: Connection, **kw: Any) -> None:
    # After every table exists: the triggers name both `nominations` and the tally.
    tables = kw.get("tables")
    if tables is not None and not {"nominations", "place_tallies"} <= {t.name for t in tables}:
        return
    for statement in trigger_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


@event.listens_for(Base.metadata, "after_drop")
def _drop_function(target: MetaData, connection: Connection, **kw: Any) -> None:
    # Dropping the table drops its triggers; PostgreSQL keeps their function unless told.
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP FUNCTION IF EXISTS place_tally_keep()")
