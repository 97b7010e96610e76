"""The deadline sweep itself: run twice, run concurrently, an action that breaks."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.flow import add, fire, status
from tests.integration.sweep_steps import in_qualification, local, messages, sweep
from workflow import deadline_actions
from workflow.services import deadlines


def test_a_sweep_run_twice_fires_nothing_more(sf: sessionmaker[Session]) -> None:
    in_qualification(sf)
    first = sweep(sf, local("2026-03-20 00:00"))
    assert first.fired == 3  # two reminders and the first escalation
    assert sweep(sf, local("2026-03-20 00:00")).fired == 0
    assert len(messages(sf, "reminder")) == 2


@pytest.mark.postgres
def test_two_concurrent_sweeps_fire_each_deadline_once(pg_engine: Engine) -> None:
    sf = make_session_factory(pg_engine)
    campaign_id = make_campaign(sf)
    with UnitOfWork(sf) as uow:  # many due deadlines of one kind
        uow.session.add_all(
            Deadline(
                campaign_id=campaign_id,
                kind="submission_close",
                due_at=T0,
                created_at=T0,
            )
            for _ in range(300)
        )
        uow.commit()
    results: list[deadlines.SweepResult] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        with UnitOfWork(sf) as uow:
            results.append(deadlines.sweep(uow, T0 + timedelta(minutes=1), batch=20))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.fired for r in results) == 300
    assert all(r.fired > 0 for r in results)  # SKIP LOCKED shares the work
    assert len(messages(sf, "submission_closed")) == 300
    with UnitOfWork(sf) as uow:
        events = uow.session.scalars(
            select(AuditEvent.id).where(AuditEvent.trigger == "close_submission")
        ).all()
    assert len(events) == 300


def test_an_action_that_breaks_gives_its_row_back_and_is_parked_after_five_tries(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
        raise RuntimeError("mail merge exploded")

    monkeypatch.setitem(deadline_actions.ACTIONS, "submission_close", broken)
    nomination = in_qualification(sf)  # its reminders share the batch with the broken one
    campaign_id = status(sf, nomination).campaign_id
    with UnitOfWork(sf) as uow:
        uow.session.add(
            Deadline(campaign_id=campaign_id, kind="submission_close", due_at=T0, created_at=T0)
        )
        uow.commit()
    first = sweep(sf, local("2026-03-13 09:00"))
    assert (first.errors, first.kinds) == (1, {"reminder": 2})
    for attempt in range(2, 6):
        assert sweep(sf, local("2026-03-13 09:00")).errors == 1, attempt
    assert sweep(sf, local("2026-03-13 09:00")).errors == 0  # parked: not tried again
    with UnitOfWork(sf) as uow:
        row = uow.session.scalars(select(Deadline).where(Deadline.kind == "submission_close")).one()
    assert (row.status, row.attempts, row.fired_at) == ("failed", 5, None)
    assert row.last_error == "RuntimeError: mail merge exploded"


def test_a_batch_reads_its_tasks_in_one_statement(
    engine: Engine, sf: sessionmaker[Session]
) -> None:
    campaign_id = make_campaign(sf)
    for unit, name in (("nc", "甲"), ("nc", "乙"), ("gz", "丙"), ("gz", "丁")):
        nomination = add(sf, campaign_id, unit, name)
        fire(sf, nomination, "submit")
        fire(sf, nomination, "begin_review")
    task_reads: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "FROM review_tasks" in statement:
            task_reads.append(statement)

    result = sweep(sf, local("2026-03-20 00:00"))
    event.remove(engine, "before_cursor_execute", _seen)
    assert result.fired == 12  # two reminders and an escalation for each of the four tasks
    assert len(task_reads) == 1  # the batch's tasks, not one read per deadline
