"""Checking the place tally and recounting it (`honorflow db recount-places`).

The triggers keep the tally (tests/integration/test_place_tally.py); these tests break it the
ways it can break — a hand edit, a restore with the triggers off — and require the check to
name every wrong count, the recount to mend them all (and to write nothing, not even an audit
event, when nothing is wrong), and the triggers to go on keeping it afterwards.
"""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select, text

from models import AuditEvent, Nomination
from models.db import make_engine, make_session_factory
from models.uow import UnitOfWork
from tests.conftest import T0
from tests.integration.test_cli import Honorflow
from tests.integration.test_place_tally import EVERY_KIND, Office
from workflow.services.place_tally import TallyDifference, recount_places, tally_differences
from workflow.states import SUBMITTED

TALLY_KEY = "campaign_id, unit_id, rank, category, official_level, standing"


def _tally(engine: Engine) -> dict[tuple[Any, ...], int]:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT {TALLY_KEY}, counted FROM place_tallies"))
        return {tuple(row[:6]): row[6] for row in rows if row[6]}


def _check(engine: Engine) -> list[TallyDifference]:
    with UnitOfWork(make_session_factory(engine)) as uow:
        return tally_differences(uow)


def _recount(engine: Engine) -> list[TallyDifference]:
    with UnitOfWork(make_session_factory(engine)) as uow:
        return recount_places(uow, T0)


def _recount_events(engine: Engine) -> list[dict[str, Any] | None]:
    with engine.connect() as conn:
        found = select(AuditEvent.payload).where(AuditEvent.trigger == "place_tally_recounted")
        return list(conn.scalars(found))


@pytest.fixture
def office(engine: Engine) -> Office:
    office = Office(engine)
    for operation in EVERY_KIND:
        office.apply(operation)
    office.apply(("insert", "a", "main", SUBMITTED, "official", "county"))
    return office


def test_a_check_names_every_wrong_count_and_a_recount_mends_them(
    engine: Engine, office: Office
) -> None:
    right = _tally(engine)
    first, second = sorted(right)[:2]
    ghost = (office.campaigns[0], office.units["a"], "main", "ghost_category", "", "open")
    with engine.begin() as conn:  # a hand edit: one count raised, one row gone, one made up
        raise_first = f"SET counted = counted + 2 WHERE ({TALLY_KEY}) = {_row(first)}"
        conn.execute(text(f"UPDATE place_tallies {raise_first}"))
        conn.execute(text(f"DELETE FROM place_tallies WHERE ({TALLY_KEY}) = {_row(second)}"))
        conn.execute(
            text(f"INSERT INTO place_tallies ({TALLY_KEY}, counted) VALUES {_row(ghost)[:-1]}, 4)")
        )

    found = {_key(d): (d.held, d.counted) for d in _check(engine)}
    assert found == {
        first: (right[first] + 2, right[first]),
        second: (0, right[second]),
        ghost: (4, 0),
    }
    assert _recount_events(engine) == []  # a check writes nothing

    mended = _recount(engine)
    assert {_key(d): (d.held, d.counted) for d in mended} == found
    assert {d.campaign_code for d in mended} == {"one"} and {d.unit_code for d in mended} == {"a"}
    assert _tally(engine) == right
    assert _check(engine) == []
    assert _recount_events(engine) == [{"corrected": 3}]
    # The triggers keep the recounted tally as before.
    office.apply(("status", 0, "withdrawn"))
    office.apply(("delete", 1))
    assert office.tallied() == office.recounted()
    assert _check(engine) == []


def test_a_recount_of_a_right_tally_writes_nothing(engine: Engine, office: Office) -> None:
    right = _tally(engine)
    assert _recount(engine) == []
    assert _tally(engine) == right
    assert _recount_events(engine) == []


@pytest.mark.postgres
def test_a_restore_with_the_triggers_off_is_found_and_mended(pg_engine: Engine) -> None:
    """`pg_restore --disable-triggers` writes nominations as a replica does: no trigger fires."""
    office = Office(pg_engine)
    office.apply(("insert", "a", "main", SUBMITTED, "official", "county"))
    with pg_engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        row = office.base | {
            "campaign_id": office.campaigns[0],
            "unit_id": office.units["b"],
            "rank": "main",
            "status": SUBMITTED,
            "category": "front_line_worker",
            "facts": {},
        }
        conn.execute(insert(Nomination), [row, row])
    assert office.tallied() != office.recounted()
    (missed,) = _check(pg_engine)
    assert (missed.unit_code, missed.held, missed.counted) == ("b", 0, 2)
    assert _recount(pg_engine) == [missed]
    assert office.tallied() == office.recounted()
    with pg_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Nomination)) == 3


@pytest.mark.postgres
def test_a_recount_waits_for_a_writer_of_nominations_in_flight(pg_engine: Engine) -> None:
    """Between its count and its rewrite no trigger may move the tally (a decrement lost to a
    deleted row would leave it wrong), so a recount holds writers of nominations back, and
    waits for one already writing."""
    office = Office(pg_engine)
    office.apply(("insert", "a", "main", SUBMITTED, "official", "county"))
    writer = pg_engine.connect()
    writer.execute(text("UPDATE nominations SET status = 'withdrawn'"))  # not committed yet
    answers: list[list[TallyDifference]] = []
    recount = threading.Thread(target=lambda: answers.append(_recount(pg_engine)))
    recount.start()
    recount.join(timeout=1.0)
    waited = recount.is_alive()
    writer.commit()
    writer.close()
    recount.join(timeout=60)
    assert waited, "the recount went ahead of a writer still changing nominations"
    assert answers == [[]]
    assert office.tallied() == office.recounted()


def test_the_command_reports_in_chinese_and_exits_1_when_a_check_finds_a_difference(
    tmp_path: Path,
) -> None:
    hf = Honorflow(tmp_path)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return hf.run(*args, ok=False)

    assert run("db", "upgrade").returncode == 0
    engine = make_engine(hf.env["HONORFLOW_DATABASE_URL"])
    office = Office(engine)
    office.apply(("insert", "a", "alternate", SUBMITTED, "front_line_worker", None))
    done = run("db", "recount-places", "--check")
    assert (done.returncode, done.stdout.strip()) == (0, "名额计数与推荐人选一致")
    with engine.begin() as conn:
        conn.execute(text("UPDATE place_tallies SET counted = counted + 1"))

    checked = run("db", "recount-places", "--check")
    assert checked.returncode == 1
    assert checked.stdout.splitlines() == [
        "名额计数有1处与推荐人选不符"
        "（尚未改动；运行honorflow db recount-places即按推荐人选重算）：",
        "  活动one，单位a，后备，一线职工，职级：无，审核中：计数2，实有1",
    ]
    recounted = run("--json", "db", "recount-places")
    assert recounted.returncode == 0
    (difference,) = json.loads(recounted.stdout)["differences"]
    assert (difference["unit_code"], difference["held"], difference["counted"]) == ("a", 2, 1)
    assert run("db", "recount-places", "--check").returncode == 0
    engine.dispose()


def _key(d: TallyDifference) -> tuple[Any, ...]:
    return (d.campaign_id, d.unit_id, d.rank, d.category, d.official_level, d.standing)


def _row(key: tuple[Any, ...]) -> str:
    """A key as an SQL row value (the keys here hold ids and plain codes only)."""
    return "(" + ", ".join(str(v) if isinstance(v, int) else f"'{v}'" for v in key) + ")"
