"""The deadline sweep: fire every due deadline row exactly once, whoever else is sweeping.

Rows are taken a batch at a time: on PostgreSQL with `FOR UPDATE SKIP LOCKED` so two
sweeps share the work instead of queueing behind each other; on SQLite the write lock
every transaction takes at BEGIN serialises sweeps. The batch is claimed by one
compare-and-set (`status = 'pending'` → `'fired'`, returning the ids won), then each
action runs in a savepoint of the same transaction: a deadline fires with all its
consequences or not at all (a failing action gives its row back), and a batch that dies
before COMMIT leaves its rows pending for the next sweep.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update

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


_DEADLINES = cast(Table, Deadline.__table__)
# Built once: the sweep runs them for every batch.
_RECORD_OUTCOMES = (
    update(_DEADLINES)
    .where(_DEADLINES.c.id == bindparam("deadline_id"))
    .values(outcome=bindparam("outcome"))
)


def sweep(uow: UnitOfWork, now: datetime, *, batch: int = BATCH) -> SweepResult:
    """Fire every deadline due at `now`, one transaction per batch."""
    result = SweepResult()
    while True:
        rows = _take_batch(uow, now, batch)
        claimed = _claim(uow, [row.id for row in rows], now)
        result.already_taken += len(rows) - len(claimed)
        fired = [_fire(uow, row, now, result) for row in rows if row.id in claimed]
        outcomes = [{"deadline_id": i, "outcome": o[:300]} for i, o in fired if o is not None]
        if outcomes:
            uow.session.execute(_RECORD_OUTCOMES, outcomes)
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


def _claim(uow: UnitOfWork, ids: list[int], now: datetime) -> set[int]:
    """Compare-and-set pending -> fired for the batch, before any action runs.

    Claiming first matters: an action may close its stage's pending deadlines, and a row
    fired by another sweep meanwhile is not ours (the ids returned are).
    """
    if not ids:
        return set()
    claimed = uow.session.execute(
        update(_DEADLINES)
        .where(_DEADLINES.c.id.in_(ids), _DEADLINES.c.status == PENDING)
        .values(status=FIRED, fired_at=now, attempts=_DEADLINES.c.attempts + 1)
        .returning(_DEADLINES.c.id)
    )
    return set(claimed.scalars())


def _fire(
    uow: UnitOfWork, row: Deadline, now: datetime, result: SweepResult
) -> tuple[int, str | None]:
    """Run one claimed deadline's action in a savepoint; its outcome, or None if it failed."""
    deadline_id, kind = row.id, row.kind
    try:
        with uow.session.begin_nested():
            try:
                outcome = action_for(kind)(uow, row, now)
            except HonorflowError as refusal:  # the state no longer allows it: nothing to do
                outcome = f"skipped: {refusal}"
    except Exception as exc:  # a bug in an action must not stop the other deadlines
        log.exception("deadline %s (%s) failed", deadline_id, kind)
        _record_error(uow, deadline_id, exc)
        result.errors += 1
        return deadline_id, None
    result.fired += 1
    result.kinds[kind.split(":", 1)[0]] += 1
    return deadline_id, outcome


def _record_error(uow: UnitOfWork, deadline_id: int, exc: Exception) -> None:
    """Give the row back to the next sweep, or park it after MAX_ATTEMPTS failures."""
    attempts = uow.session.scalar(select(Deadline.attempts).where(Deadline.id == deadline_id))
    uow.session.execute(
        update(_DEADLINES)
        .where(_DEADLINES.c.id == deadline_id)
        .values(
            status=FAILED if (attempts or 0) >= MAX_ATTEMPTS else PENDING,
            fired_at=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
    )


def due_count(uow: UnitOfWork, now: datetime) -> int:
    """How many deadlines are due and not yet fired."""
    query = select(func.count(Deadline.id)).where(
        Deadline.status == PENDING, Deadline.due_at <= now
    )
    return uow.session.scalar(query) or 0
