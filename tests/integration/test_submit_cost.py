"""A submit costs the same whatever the unit holds: its checks count, they never load the unit.

Deterministic, not timed: the statements one submit runs are captured and compared between a
unit of a few nominees and one of many; every SELECT is run again to count its rows, and on
SQLite (which plans without statistics, so the same way each time) its plan must read the
nominations only by primary key, and the counts must come from the place tally by its key.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from models import Campaign, Nomination, RecommendingUnit
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.flow import add, clerk, fire
from tests.integration.flow import facts as worker
from workflow.facts import facts_to_json
from workflow.services import campaigns

SMALL, LARGE = 3, 120
OFFICIAL = {
    "category": "official",
    "official_level": "county",
    "employer_type": "government",
    "ownership": "public",
}
# How a plan may reach the nominations and the place tally (SQLite's words): by their keys.
READS_ALLOWED = ("USING INTEGER PRIMARY KEY",)
TALLY_READS_ALLOWED = ("USING INDEX sqlite_autoindex_place_tallies_1", "USING PRIMARY KEY")


@dataclass
class Capture:
    statements: list[str] = field(default_factory=list)
    most_rows: int = 0
    plans: list[str] = field(default_factory=list)


@contextmanager
def captured(engine: Engine) -> Iterator[Capture]:
    """Every statement run on `engine`, the most rows a SELECT returned, SQLite's plans."""
    seen = Capture()

    def before(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        seen.statements.append(statement)
        if not statement.lstrip().upper().startswith("SELECT"):
            return
        again = conn.connection.dbapi_connection.cursor()
        try:
            again.execute(statement, parameters)
            seen.most_rows = max(seen.most_rows, len(again.fetchall()))
            if engine.dialect.name == "sqlite":
                again.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                seen.plans.extend(row[3] for row in again.fetchall())
        finally:
            again.close()

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _fill(sf: sessionmaker[Session], campaign_id: int, code: str, count: int) -> None:
    """`count` submitted main nominees and one live alternate, bulk-inserted into a unit."""
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        unit = uow.session.scalars(
            select(RecommendingUnit).where(RecommendingUnit.code == code)
        ).one()
        rows = []
        for i in range(count + 1):
            nominee = worker(f"已报{i:04d}")
            rows.append(
                {
                    "campaign_id": campaign.id,
                    "unit_id": unit.id,
                    "definition_id": campaign.definition_id,
                    "status": "submitted",
                    "rank": "main" if i < count else "alternate",
                    "alternate_order": None if i < count else 1,
                    "name": nominee.name,
                    "gender": nominee.gender,
                    "birth_date": nominee.birth_date,
                    "category": nominee.category,
                    "employer": nominee.employer,
                    "employer_type": nominee.employer_type,
                    "honour": campaign.honour,
                    "facts": facts_to_json(nominee),
                    "created_at": T0,
                    "updated_at": T0,
                }
            )
        uow.session.execute(insert(Nomination), rows)
        uow.commit()


def _submit(sf: sessionmaker[Session], engine: Engine, nomination_id: int, code: str) -> Capture:
    with captured(engine) as seen:
        assert fire(sf, nomination_id, "submit", clerk(code)).to_state == "submitted"
    return seen


@pytest.mark.parametrize(
    "kind",
    [{}, OFFICIAL, {"category": "enterprise_head"}],
    ids=["worker", "official", "enterprise_head"],
)
def test_a_submit_runs_the_same_statements_in_a_small_and_a_large_unit(
    engine: Engine, sf: sessionmaker[Session], kind: dict[str, str]
) -> None:
    quotas = [campaigns.UnitQuota(code, f"单位{code}", LARGE + 10) for code in ("s", "l", "w")]
    campaign_id = make_campaign(sf, quotas=quotas)
    for code, count in (("s", SMALL), ("l", LARGE), ("w", SMALL)):
        _fill(sf, campaign_id, code, count)
    # Warm the caches (definition, machine, compiled statements) in a unit of its own.
    fire(sf, add(sf, campaign_id, "w", "预热", **kind), "submit", clerk("w"))
    small = _submit(sf, engine, add(sf, campaign_id, "s", "小单位", **kind), "s")
    large = _submit(sf, engine, add(sf, campaign_id, "l", "大单位", **kind), "l")
    assert len(large.statements) == len(small.statements)
    # One row per statement at most (the locked nomination, a count, a sum), never the unit.
    assert small.most_rows <= 2 and large.most_rows <= 2
    if engine.dialect.name == "sqlite":
        reads = [plan for plan in large.plans if " nominations " in f"{plan} "]
        assert reads, large.plans
        assert all(any(way in plan for way in READS_ALLOWED) for plan in reads), reads
        counts = [plan for plan in large.plans if " place_tallies " in f"{plan} "]
        assert counts, large.plans
        assert all(any(way in plan for way in TALLY_READS_ALLOWED) for plan in counts), counts
