"""A refused transition, or a trigger the state does not allow, changes nothing but the audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline, Nomination, OutboxMessage, ReviewTask
from models.reviews import TASK_OPEN
from models.uow import UnitOfWork
from tests.conftest import ADMIN, JIANGXI, MAYDAY, T0, make_campaign
from tests.integration.procedure_model import (
    CALENDAR,
    ENTRIES,
    QUOTAS,
    Entry,
    add_entries,
    eligible_facts,
    walk,
)
from workflow import audit_verify
from workflow.actors import Actor
from workflow.errors import GuardFailed, PermissionDenied, TransitionNotAllowed
from workflow.services import objections, reviews, transitions

# --- a refused transition changes nothing ---------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    status: str
    version: int
    tasks: int
    deadlines: int
    outbox: int
    events: list[tuple[str, str | None, str | None]]


def snapshot(sf: sessionmaker[Session], nomination_id: int) -> Snapshot:
    with UnitOfWork(sf) as uow:
        s = uow.session
        row = s.get_one(Nomination, nomination_id)
        events = s.execute(
            select(AuditEvent.trigger, AuditEvent.from_state, AuditEvent.to_state).order_by(
                AuditEvent.seq
            )
        ).all()
        return Snapshot(
            status=row.status,
            version=row.version,
            tasks=s.scalar(select(func.count(ReviewTask.id))) or 0,
            deadlines=s.scalar(select(func.count(Deadline.id))) or 0,
            outbox=s.scalar(select(func.count(OutboxMessage.id))) or 0,
            events=[(e.trigger, e.from_state, e.to_state) for e in events],
        )


def complete_all(sf: sessionmaker[Session], nomination_id: int, now: datetime) -> None:
    with UnitOfWork(sf) as uow:
        task_ids = uow.session.scalars(
            select(ReviewTask.id).where(
                ReviewTask.nomination_id == nomination_id, ReviewTask.status == TASK_OPEN
            )
        ).all()
    for task_id in task_ids:
        with UnitOfWork(sf) as uow:
            reviews.complete(uow, task_id, ADMIN, "clear", "无意见", now)


REFUSALS = ["quota", "ineligible", "notice_running", "open_objection", "wrong_clerk"]


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_transition_changes_nothing(sf: sessionmaker[Session], case: str) -> None:
    campaign_id = make_campaign(sf, JIANGXI, QUOTAS)
    retired = eligible_facts("丁一", retired=True)
    # nc's front-line alternate lets its enterprise head (nc2) be submitted at all.
    entries = [*ENTRIES[:3], Entry("gz", "alternate", 2, retired), ENTRIES[3]]
    nc1, nc2, nc3, old, _ = add_entries(sf, campaign_id, entries)
    walk(sf, nc1, ["submit"], T0)
    walk(sf, nc2, ["submit"], T0)
    target, trigger, actor, now = nc3, "submit", ADMIN, T0  # "quota": nc holds 2 places
    if case == "ineligible":
        walk(sf, old, ["submit", "begin_review"], T0)
        target, trigger = old, "pass"
    elif case in ("notice_running", "open_objection"):
        walk(sf, nc1, ["begin_review", "pass"], T0)
        complete_all(sf, nc1, T0)
        walk(sf, nc1, ["pass"], T0)
        target, trigger = nc1, "close_notice"
        if case == "open_objection":
            data = objections.ObjectionInput("web", "材料不实", T0.date(), "王五", "13800000000")
            with UnitOfWork(sf) as uow:
                objections.record_objection(uow, nc1, data, ADMIN, T0)
            now = CALENDAR.add_working_days(T0, 6)
    elif case == "wrong_clerk":
        target, actor = nc3, Actor("李四", "unit_clerk", unit_code="jt")
        walk(sf, nc1, ["withdraw"], T0)
    before = snapshot(sf, target)
    with UnitOfWork(sf) as uow, pytest.raises((GuardFailed, PermissionDenied)):
        transitions.fire(uow, target, trigger, actor, now)
    after = snapshot(sf, target)
    assert (after.status, after.version) == (before.status, before.version)
    assert (after.tasks, after.deadlines, after.outbox) == (
        before.tasks,
        before.deadlines,
        before.outbox,
    )
    assert after.events[: len(before.events)] == before.events
    (added,) = after.events[len(before.events) :]
    assert added == (f"refused:{trigger}", before.status, before.status)
    with UnitOfWork(sf) as uow:
        assert audit_verify.verify(uow.session).ok


def test_a_trigger_the_state_does_not_allow_changes_nothing(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf, MAYDAY, QUOTAS)
    (nomination_id,) = add_entries(sf, campaign_id, ENTRIES[:1])
    before = snapshot(sf, nomination_id)
    with UnitOfWork(sf) as uow, pytest.raises(TransitionNotAllowed, match="可执行：报送"):
        transitions.fire(uow, nomination_id, "approve", ADMIN, T0)
    after = snapshot(sf, nomination_id)
    assert (after.status, after.version, after.tasks, after.deadlines, after.outbox) == (
        before.status,
        before.version,
        before.tasks,
        before.deadlines,
        before.outbox,
    )
    assert all(e[0].startswith("refused:") for e in after.events[len(before.events) :])
