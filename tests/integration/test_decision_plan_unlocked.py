"""The committee decision reads and measures its list without the write lock, then writes it
under the lock only if nothing it read has changed (else it plans again, locked)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.integration.flow import AFTER_NOTICE, BALANCED, TEAM, add, fire, status, to_notice
from tests.integration.test_decision_batches import _decide, _list_of_five, _statuses
from workflow.errors import ConcurrentChange
from workflow.services import committee


def _while_planning(monkeypatch: pytest.MonkeyPatch, check: Callable[[], None]) -> list[str]:
    """Run `check` in the middle of the decision's reading of its list."""
    plan = committee.plan_decision
    ran: list[str] = []

    def planning(uow: UnitOfWork, *args: Any) -> committee.DecisionPlan:
        check()
        ran.append("checked")
        return plan(uow, *args)

    monkeypatch.setattr(committee, "plan_decision", planning)
    return ran


def test_on_sqlite_another_writer_gets_the_lock_while_the_list_is_read(
    sqlite_sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id, ids = _list_of_five(sqlite_sf)
    engine = sqlite_sf.kw["bind"]
    assert isinstance(engine, Engine)

    def write_lock_is_free() -> None:
        other = sqlite3.connect(str(engine.url.database), timeout=0.2, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # "database is locked" were the decision holding it
            other.execute("ROLLBACK")
        finally:
            other.close()

    ran = _while_planning(monkeypatch, write_lock_is_free)
    _decide(sqlite_sf, campaign_id)

    assert ran == ["checked"]
    assert _statuses(sqlite_sf, ids) == ["awarded"] * 5


@pytest.mark.postgres
def test_on_postgresql_the_campaign_is_not_locked_while_the_list_is_read(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.db import make_session_factory

    sf = make_session_factory(pg_engine)
    campaign_id, ids = _list_of_five(sf)

    def campaign_is_free() -> None:
        with pg_engine.connect() as other:
            query = "SELECT id FROM campaigns WHERE id = :id FOR UPDATE NOWAIT"
            other.execute(text(query), {"id": campaign_id})
            other.rollback()

    ran = _while_planning(monkeypatch, campaign_is_free)
    _decide(sf, campaign_id)

    assert ran == ["checked"]
    assert _statuses(sf, ids) == ["awarded"] * 5


def _arrives_before_the_lock(
    monkeypatch: pytest.MonkeyPatch, sf: sessionmaker[Session], late: int
) -> None:
    """A nominee reaches the committee after the list was read, before the decision locks."""
    lock = committee._locked_campaign

    def arrive_then_lock(uow: UnitOfWork, campaign_id: int) -> Any:
        if status(sf, late).status != "committee":
            fire(sf, late, "close_notice", TEAM, AFTER_NOTICE)
        return lock(uow, campaign_id)

    monkeypatch.setattr(committee, "_locked_campaign", arrive_then_lock)


def _list_and_a_late_arrival(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[int], int]:
    """Five before the committee, and a sixth that arrives after the list was read."""
    campaign_id, ids = _list_of_five(sf)
    late = add(sf, campaign_id, "jt", "戊", **BALANCED)
    to_notice(sf, late)
    _arrives_before_the_lock(monkeypatch, sf, late)
    return campaign_id, ids, late


def test_a_list_changed_after_it_was_read_is_planned_again_before_it_is_written(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id, ids, late = _list_and_a_late_arrival(sf, monkeypatch)

    decision = _decide(sf, campaign_id)

    assert sorted(decision.awarded) == sorted([*ids, late])
    assert _statuses(sf, [*ids, late]) == ["awarded"] * 6


def test_a_confirmed_list_changed_after_it_was_read_is_refused(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign_id, ids, late = _list_and_a_late_arrival(sf, monkeypatch)

    with pytest.raises(ConcurrentChange):
        _decide(sf, campaign_id, expected=ids)

    assert _statuses(sf, [*ids, late]) == ["committee"] * 6
