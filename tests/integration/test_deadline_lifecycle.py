"""The set-based moves of the deadline and review-task lifecycles, from every status:
a move the table allows happens, any other leaves the row as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models import Deadline, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.flow import add
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles import review_task
from workflow.lifecycles.deadline import LIFECYCLE, MAX_ATTEMPTS, NewDeadline

STATUSES = LIFECYCLE.statuses


def _row(sf: sessionmaker[Session], status: str, attempts: int = 1) -> int:
    campaign_id = make_campaign(sf)
    with UnitOfWork(sf) as uow:
        deadline_lifecycle.schedule(uow, [NewDeadline(campaign_id, "notice_end", T0)], T0)
        row_id = uow.session.scalars(select(Deadline.id)).one()
        # Test setup: put the row in the status under test.
        uow.session.execute(
            update(Deadline).where(Deadline.id == row_id).values(status=status, attempts=attempts)
        )
        uow.commit()
    return row_id


def _status(sf: sessionmaker[Session], row_id: int) -> str:
    with UnitOfWork(sf) as uow:
        return uow.session.get_one(Deadline, row_id).status


def test_scheduled_rows_are_pending(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    rows = [NewDeadline(campaign_id, f"reminder:{i}", T0 + timedelta(days=i)) for i in (1, 2)]
    with UnitOfWork(sf) as uow:
        deadline_lifecycle.schedule(uow, rows, T0)
        uow.commit()
    with UnitOfWork(sf) as uow:
        found = uow.session.execute(select(Deadline.kind, Deadline.status, Deadline.attempts))
        assert sorted(found) == [("reminder:1", "pending", 0), ("reminder:2", "pending", 0)]


@pytest.mark.parametrize("status", STATUSES)
def test_claim_moves_only_pending_rows_to_fired(sf: sessionmaker[Session], status: str) -> None:
    row_id = _row(sf, status)
    with UnitOfWork(sf) as uow:
        won = deadline_lifecycle.claim(uow, [row_id], T0)
        uow.commit()
    allowed = "fired" in LIFECYCLE.moves[status]
    assert won == ({row_id} if allowed else set())
    assert _status(sf, row_id) == ("fired" if allowed else status)


@pytest.mark.parametrize("status", STATUSES)
def test_cancel_moves_only_pending_rows(sf: sessionmaker[Session], status: str) -> None:
    row_id = _row(sf, status)
    with UnitOfWork(sf) as uow:
        deadline_lifecycle.cancel_pending(uow, Deadline.id == row_id)
        uow.commit()
    allowed = "cancelled" in LIFECYCLE.moves[status]
    assert _status(sf, row_id) == ("cancelled" if allowed else status)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("attempts", [1, MAX_ATTEMPTS])
def test_give_back_moves_only_fired_rows(
    sf: sessionmaker[Session], status: str, attempts: int
) -> None:
    row_id = _row(sf, status, attempts)
    with UnitOfWork(sf) as uow:
        target = deadline_lifecycle.give_back(uow, row_id, "RuntimeError: boom")
        uow.commit()
    assert target == ("failed" if attempts >= MAX_ATTEMPTS else "pending")
    allowed = target in LIFECYCLE.moves[status]
    assert _status(sf, row_id) == (target if allowed else status)


def test_cancel_live_tasks_moves_only_open_and_claimed(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    with UnitOfWork(sf) as uow:
        ids = {
            status: review_task.open_task(
                uow,
                nomination_id=nomination,
                campaign_id=campaign_id,
                stage="qualification",
                department="working_team",
                role="team_reviewer",
                due_at=None,
                now=T0,
            )
            for status in review_task.LIFECYCLE.statuses
        }
        for status, task_id in ids.items():  # test setup: one task in each status
            uow.session.execute(
                update(ReviewTask).where(ReviewTask.id == task_id).values(status=status)
            )
        review_task.cancel_live(uow, nomination, "qualification", T0)
        uow.commit()
    with UnitOfWork(sf) as uow:
        after = {s: uow.session.get_one(ReviewTask, i).status for s, i in ids.items()}
    assert after == {
        s: "cancelled" if "cancelled" in review_task.LIFECYCLE.moves[s] else s for s in ids
    }
