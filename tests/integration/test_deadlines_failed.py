"""A deadline that cannot be computed fails visibly; an administrator lists and retries it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline
from models.uow import UnitOfWork
from tests.integration.sweep_steps import in_qualification, local, messages, sweep
from workflow.actors import Actor
from workflow.errors import BadInput, InvalidState, NotFound, PermissionDenied
from workflow.queries import deadline_list
from workflow.services import deadlines

ADMIN = Actor("运维", "admin")
REVIEWER = Actor("王审核", "department_reviewer", "tax")
# Past the last year the working-day calendar knows: the escalation cannot count its days.
BEYOND = local("2099-03-20 00:00")


def _task_due(sf: sessionmaker[Session]) -> Deadline:
    with UnitOfWork(sf) as uow:
        row = uow.session.scalars(select(Deadline).where(Deadline.kind == "task_due")).one()
        uow.session.expunge(row)
        return row


def test_a_deadline_past_the_calendar_is_failed_with_its_error_never_fired(
    sf: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    in_qualification(sf)
    with caplog.at_level(logging.WARNING):
        result = sweep(sf, BEYOND)
    assert (result.fired, result.failed, result.errors) == (2, 1, 0)  # two reminders fired
    row = _task_due(sf)
    assert (row.status, row.fired_at, row.outcome) == ("failed", None, None)
    assert row.last_error and "工作日历" in row.last_error
    assert messages(sf, "escalation") == []  # nothing of the broken action is kept
    [logged] = [r for r in caplog.records if getattr(r, "deadline_id", None) == row.id]
    assert logged.levelno == logging.WARNING
    assert (logged.__dict__["error"], logged.__dict__["outcome"]) == (row.last_error, "failed")
    again = sweep(sf, BEYOND)
    assert (again.fired, again.failed) == (0, 0)  # parked: an administrator must retry it
    with UnitOfWork(sf, write=False) as uow:
        [listed] = deadline_list.failed(uow, ADMIN)
    assert (listed.id, listed.last_error) == (row.id, row.last_error)


def test_retry_puts_a_failed_deadline_back_audited_and_the_next_sweep_fires_it(
    sf: sessionmaker[Session],
) -> None:
    in_qualification(sf)
    sweep(sf, BEYOND)
    row = _task_due(sf)
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        deadlines.retry(uow, [row.id], REVIEWER, BEYOND)
    with UnitOfWork(sf) as uow, pytest.raises(NotFound):
        deadlines.retry(uow, [row.id, 999_999], ADMIN, BEYOND)
    with UnitOfWork(sf) as uow:
        reminder = uow.session.scalars(select(Deadline.id).where(Deadline.status == "fired"))
        fired_id = reminder.first()
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState):
        deadlines.retry(uow, [row.id, fired_id], ADMIN, BEYOND)  # type: ignore[list-item]
    assert _task_due(sf).status == "failed"  # a refusal moves none of them

    with UnitOfWork(sf) as uow:
        deadlines.retry(uow, [row.id], ADMIN, BEYOND)
    retried = _task_due(sf)
    assert (retried.status, retried.attempts, retried.last_error) == ("pending", 0, None)
    with UnitOfWork(sf, write=False) as uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "retry_deadline")
        ).all()
        assert [e.payload.get("deadline_id") for e in events] == [row.id]
    # Within the calendar's years the escalation goes out.
    assert sweep(sf, local("2026-03-20 00:00")).fired == 1
    assert _task_due(sf).status == "fired"
    assert messages(sf, "escalation")


def test_the_list_filters_and_refuses_bad_filters(sf: sessionmaker[Session]) -> None:
    in_qualification(sf)
    with UnitOfWork(sf, write=False) as uow:
        every = deadline_list.list_deadlines(uow, ADMIN, deadline_list.parse_filter())
        assert [d.due_at for d in every] == sorted(d.due_at for d in every)
        kinds = {d.kind for d in every}
        assert {"reminder:3", "reminder:1", "task_due"} <= kinds
        reminders = deadline_list.parse_filter(kind="reminder")
        assert {d.kind for d in deadline_list.list_deadlines(uow, ADMIN, reminders)} == {
            "reminder:3",
            "reminder:1",
        }
        task_due = next(d for d in every if d.kind == "task_due")
        # A time typed without a zone is Beijing time: the due instant itself is not before it.
        typed = task_due.due_at.astimezone(local("2026-01-01 00:00").tzinfo).strftime(
            "%Y-%m-%d %H:%M"
        )
        before = deadline_list.parse_filter(due_before=typed)
        assert task_due.id not in {d.id for d in deadline_list.list_deadlines(uow, ADMIN, before)}
        after = deadline_list.parse_filter(due_after=typed)
        assert task_due.id in {d.id for d in deadline_list.list_deadlines(uow, ADMIN, after)}
        code = every[0].campaign
        mine = deadline_list.parse_filter(campaign=code, status="pending")
        assert len(deadline_list.list_deadlines(uow, ADMIN, mine)) == len(every)
        assert (
            deadline_list.list_deadlines(uow, ADMIN, deadline_list.parse_filter(status="failed"))
            == []
        )
        with pytest.raises(PermissionDenied):
            deadline_list.list_deadlines(uow, REVIEWER, deadline_list.parse_filter())
        with pytest.raises(PermissionDenied):
            deadline_list.due_now(uow, REVIEWER, BEYOND)
        for field, typed_value in (
            ("kind", {"kind": "nonsense"}),
            ("status", {"status": "done"}),
            ("due_before", {"due_before": "next tuesday"}),
            ("limit", {"limit": 0}),
        ):
            with pytest.raises(BadInput) as refused:
                deadline_list.parse_filter(**typed_value)  # type: ignore[arg-type]
            assert refused.value.field == field
        with pytest.raises(BadInput) as unknown:
            deadline_list.list_deadlines(uow, ADMIN, deadline_list.parse_filter(campaign="nope"))
        assert unknown.value.field == "campaign"
