"""The place tally equals a recount of the nominations after any writes, by any writer.

The tally (models/place_tally.py) is kept by triggers on `nominations`; the submit guards read
it instead of counting the unit. Random sequences of plain SQL writes — inserts, state
changes, rank, category, level and unit changes, deletes, one statement changing many rows —
must leave it equal to what the procedure's own rules (workflow/states.py) count from the
rows, on both databases, whether the schema was created from the models or by the migrations
(which also fill the tally from nominations written before it existed).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, insert, select, text, update

from models import Campaign, Nomination, PlaceTally, RecommendingUnit
from models.db import make_engine, make_session_factory
from models.migrate import upgrade
from tests.conftest import PG_URL, T0, make_campaign
from tests.databases import empty_pg_schema
from workflow.services import campaigns
from workflow.states import (
    AWARDED,
    CLOSED_STATES,
    DRAFT,
    END_STATES,
    HOLD_NO_PLACE,
    STANDINGS_HOLDING_PLACE,
    STANDINGS_NOT_CLOSED,
    SUBMITTED,
)

STATES = [DRAFT, SUBMITTED, "qualification", "joint_review", "public_notice", AWARDED, *END_STATES]
CATEGORIES = ["front_line_worker", "official", "enterprise_head"]
LEVELS = [None, "county", "division"]
UNITS = ["a", "b"]

Key = tuple[int, int, str, str]

_insert = st.tuples(
    st.just("insert"),
    st.sampled_from(UNITS),
    st.sampled_from(["main", "alternate"]),
    st.sampled_from(STATES),
    st.sampled_from(CATEGORIES),
    st.sampled_from(LEVELS),
)
_pick = st.integers(min_value=0, max_value=10_000)
_change = st.one_of(
    st.tuples(st.just("status"), _pick, st.sampled_from(STATES)),
    st.tuples(st.just("rank"), _pick, st.sampled_from(["main", "alternate"])),
    st.tuples(st.just("category"), _pick, st.sampled_from(CATEGORIES)),
    st.tuples(st.just("level"), _pick, st.sampled_from(LEVELS)),
    st.tuples(st.just("unit"), _pick, st.sampled_from(UNITS)),
    st.tuples(st.just("campaign"), _pick),
    st.tuples(st.just("delete"), _pick),
    st.tuples(st.just("all_status"), st.sampled_from(UNITS), st.sampled_from(STATES)),
)
OPERATIONS = st.lists(st.one_of(_insert, _insert, _change), min_size=1, max_size=25)
# Every kind of write once, run first on an empty office (indexes pick the rows inserted here).
EVERY_KIND = [
    ("insert", "a", "main", SUBMITTED, "official", "county"),
    ("insert", "a", "alternate", DRAFT, "front_line_worker", None),
    ("status", 0, "joint_review"),
    ("level", 0, "division"),
    ("category", 0, "enterprise_head"),
    ("unit", 0, "b"),
    ("rank", 1, "main"),
    ("status", 1, "withdrawn"),
    ("campaign", 0),
    ("all_status", "b", AWARDED),
    ("level", 0, None),
    ("delete", 0),
]


class Office:
    """Two campaigns of two units each, written to with plain SQL as any writer might."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        sf = make_session_factory(engine)
        quotas = [campaigns.UnitQuota(code, f"单位{code}", 5) for code in UNITS]
        self.campaigns = [make_campaign(sf, quotas=quotas, code=c) for c in ("one", "two")]
        with engine.connect() as conn:
            found = conn.execute(select(RecommendingUnit.code, RecommendingUnit.id))
            self.units: dict[str, int] = {code: unit_id for code, unit_id in found}
            campaign = conn.execute(
                select(Campaign.definition_id, Campaign.honour).where(
                    Campaign.id == self.campaigns[0]
                )
            ).one()
        self.base = {
            "definition_id": campaign.definition_id,
            "name": "张三",
            "gender": "M",
            "birth_date": T0.date().replace(year=1980),
            "employer": "江铃汽车",
            "employer_type": "enterprise",
            "honour": campaign.honour,
            "created_at": T0,
            "updated_at": T0,
        }

    def apply(self, operation: tuple[Any, ...]) -> None:
        with self.engine.begin() as conn:
            ids = list(conn.scalars(select(Nomination.id).order_by(Nomination.id)))
            kind, *args = operation
            if kind == "insert":
                unit, rank, status, category, level = args
                row = self.base | {
                    "campaign_id": self.campaigns[0],
                    "unit_id": self.units[unit],
                    "rank": rank,
                    "status": status,
                    "category": category,
                    "facts": _facts(level),
                }
                conn.execute(insert(Nomination).values(**row))
            elif kind == "all_status":
                unit, status = args
                in_unit = Nomination.unit_id == self.units[unit]
                conn.execute(update(Nomination).where(in_unit).values(status=status))
            elif ids:
                target = ids[args[0] % len(ids)]
                self._change(conn, kind, target, args[1:])

    def _change(self, conn: Any, kind: str, target: int, args: list[Any]) -> None:
        of_target = Nomination.id == target
        if kind == "delete":
            conn.execute(delete(Nomination).where(of_target))
            return
        values: dict[str, Any] = {
            "status": lambda: {"status": args[0]},
            "rank": lambda: {"rank": args[0]},
            "category": lambda: {"category": args[0]},
            "level": lambda: {"facts": _facts(args[0])},
            "unit": lambda: {"unit_id": self.units[args[0]]},
            "campaign": lambda: {"campaign_id": self.campaigns[1]},
        }[kind]()
        conn.execute(update(Nomination).where(of_target).values(**values))

    def tallied(self) -> tuple[Counter[Key], Counter[Key], Counter[tuple[int, int]]]:
        """Place holders and live alternates by key, and everyone by unit, from the tally."""
        holders: Counter[Key] = Counter()
        alternates: Counter[Key] = Counter()
        everyone: Counter[tuple[int, int]] = Counter()
        with self.engine.connect() as conn:
            for row in conn.execute(select(PlaceTally)):
                assert row.counted >= 0, row
                everyone[row.campaign_id, row.unit_id] += row.counted
                key = (row.campaign_id, row.unit_id, row.category, row.official_level)
                if row.rank == "main" and row.standing in STANDINGS_HOLDING_PLACE:
                    holders[key] += row.counted
                if row.rank == "alternate" and row.standing in STANDINGS_NOT_CLOSED:
                    alternates[key] += row.counted
        return +holders, +alternates, +everyone

    def recounted(self) -> tuple[Counter[Key], Counter[Key], Counter[tuple[int, int]]]:
        """The same, counted from the nominations by the procedure's own rules."""
        holders: Counter[Key] = Counter()
        alternates: Counter[Key] = Counter()
        everyone: Counter[tuple[int, int]] = Counter()
        with self.engine.connect() as conn:
            for n in conn.execute(select(Nomination)):
                everyone[n.campaign_id, n.unit_id] += 1
                key = (n.campaign_id, n.unit_id, n.category, n.facts.get("official_level") or "")
                if n.rank == "main" and n.status not in HOLD_NO_PLACE:
                    holders[key] += 1
                if n.rank == "alternate" and n.status not in CLOSED_STATES:
                    alternates[key] += 1
        return holders, alternates, everyone


def _facts(level: str | None) -> dict[str, Any]:
    return {} if level is None else {"official_level": level}


@pytest.fixture
def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database whose schema the migrations made (not the models' create_all)."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
        yield engine
        engine.dispose()
        return
    name = f"t_tally_{uuid.uuid4().hex[:12]}"
    engine = empty_pg_schema(PG_URL, name)
    try:
        yield engine
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        engine.dispose()


BOTH = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def office(engine: Engine) -> Office:
    """One office for all of a test's examples: the tally must hold whatever came before, so
    the writes of earlier examples only make each later check harder."""
    return Office(engine)


@pytest.fixture
def migrated_office(migrated: Engine) -> Office:
    upgrade(migrated)
    return Office(migrated)


@PROPERTY
@given(operations=OPERATIONS)
@example(operations=EVERY_KIND)
def test_the_tally_equals_a_recount_after_any_writes(
    office: Office, operations: list[tuple[Any, ...]]
) -> None:
    for operation in operations:
        office.apply(operation)
    assert office.tallied() == office.recounted()


@pytest.mark.parametrize("migrated", BOTH, indirect=True)
@PROPERTY
@given(operations=OPERATIONS)
@example(operations=EVERY_KIND)
def test_the_migrations_tally_equals_a_recount_after_any_writes(
    migrated_office: Office, operations: list[tuple[Any, ...]]
) -> None:
    for operation in operations:
        migrated_office.apply(operation)
    assert migrated_office.tallied() == migrated_office.recounted()


@pytest.mark.parametrize("migrated", BOTH, indirect=True)
def test_the_migration_fills_the_tally_from_the_nominations_already_written(
    migrated: Engine,
) -> None:
    upgrade(migrated, "0012")
    office = Office(migrated)
    for unit, status, rank, category, level in [
        ("a", SUBMITTED, "main", "official", "county"),
        ("a", "joint_review", "main", "official", "county"),
        ("a", DRAFT, "main", "front_line_worker", None),
        ("a", "withdrawn", "main", "front_line_worker", None),
        ("a", DRAFT, "alternate", "front_line_worker", None),
        ("b", AWARDED, "main", "enterprise_head", None),
        ("b", "vetoed", "alternate", "front_line_worker", None),
    ]:
        office.apply(("insert", unit, rank, status, category, level))
    upgrade(migrated)
    holders, alternates, everyone = office.tallied()
    assert (holders, alternates, everyone) == office.recounted()
    assert sum(holders.values()) == 3 and sum(alternates.values()) == 1
    # And the migration's triggers keep it from then on.
    office.apply(("status", 2, SUBMITTED))
    office.apply(("delete", 0))
    assert office.tallied() == office.recounted()
