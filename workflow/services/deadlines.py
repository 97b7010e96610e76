"""The deadline sweep: fire every due deadline row exactly once, whoever else is sweeping.

Rows are taken a batch at a time: on PostgreSQL with `FOR UPDATE SKIP LOCKED` so two
sweeps share the work instead of queueing behind each other; on SQLite the write lock
every transaction takes at BEGIN serialises sweeps. Each row is then claimed by a
compare-and-set (`status = 'pending'` → `'fired'`) in a savepoint together with what its
action writes, so a deadline fires with all its consequences or not at all, and a batch
that dies before COMMIT leaves its rows pending for the next sweep.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update

from models import Deadline
from models.scheduling import FIRED, PENDING
from models.uow import UnitOfWork
from workflow.deadline_actions import action_for
from workflow.errors import HonorflowError
from workflow.repository import commit

log = logging.getLogger(__name__)

BATCH = 200
# An action that keeps failing (a bug, not a refusal) is parked after this many tries.
MAX_ATTEMPTS = 5
FAILED = "failed"


@dataclass
class SweepResult:
    """What one sweep did, by outcome."""

    fired: int = 0
    already_taken: int = 0
    errors: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


class _AlreadyFired(Exception):
    """Another sweep fired this row between our read and our claim."""


def sweep(uow: UnitOfWork, now: datetime, *, batch: int = BATCH) -> SweepResult:
    """Fire every deadline due at `now`, one transaction per batch."""
    result = SweepResult()
    while True:
        rows = _take_batch(uow, now, batch)
        for row in rows:
            _fire(uow, row, now, result)
        commit(uow)
        if len(rows) < batch:
            return result


def _take_batch(uow: UnitOfWork, now: datetime, batch: int) -> list[Deadline]:
    query = (
        select(Deadline)
        .where(Deadline.status == PENDING, Deadline.due_at <= now)
        .order_by(Deadline.due_at, Deadline.id)
        .limit(batch)
    )
    if uow.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(uow.session.scalars(query))


def _fire(uow: UnitOfWork, row: Deadline, now: datetime, result: SweepResult) -> None:
    """Run one deadline's action and claim the row, in one savepoint."""
    deadline_id, kind = row.id, row.kind
    try:
        with uow.session.begin_nested():
            # Claim before acting: the action may itself close the stage's pending deadlines.
            _claim(uow, deadline_id, now)
            try:
                outcome = action_for(kind)(uow, row, now)
            except HonorflowError as refusal:  # the state no longer allows it: nothing to do
                outcome = f"skipped: {refusal}"
            _record_outcome(uow, deadline_id, outcome)
    except _AlreadyFired:
        result.already_taken += 1
        return
    except Exception as exc:  # a bug in an action must not stop the other deadlines
        log.exception("deadline %s (%s) failed", deadline_id, kind)
        _record_error(uow, deadline_id, exc)
        result.errors += 1
        return
    result.fired += 1
    result.kinds[kind.split(":", 1)[0]] += 1


def _claim(uow: UnitOfWork, deadline_id: int, now: datetime) -> None:
    """Compare-and-set pending -> fired; losing means another sweep has it."""
    claimed = uow.session.execute(
        update(Deadline)
        .where(Deadline.id == deadline_id, Deadline.status == PENDING)
        .values(status=FIRED, fired_at=now, attempts=Deadline.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise _AlreadyFired


def _record_outcome(uow: UnitOfWork, deadline_id: int, outcome: str) -> None:
    uow.session.execute(
        update(Deadline)
        .where(Deadline.id == deadline_id)
        .values(outcome=outcome[:300])
        .execution_options(synchronize_session=False)
    )


def _record_error(uow: UnitOfWork, deadline_id: int, exc: Exception) -> None:
    row = uow.session.get_one(Deadline, deadline_id)
    row.attempts += 1
    row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if row.attempts >= MAX_ATTEMPTS:
        row.status = FAILED


def due_count(uow: UnitOfWork, now: datetime) -> int:
    """How many deadlines are due and not yet fired."""
    query = select(func.count(Deadline.id)).where(
        Deadline.status == PENDING, Deadline.due_at <= now
    )
    return uow.session.scalar(query) or 0
