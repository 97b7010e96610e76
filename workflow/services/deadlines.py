"""The deadline sweep: fire every due deadline row exactly once, whoever else is sweeping.

Rows are taken a batch at a time: on PostgreSQL with `FOR UPDATE SKIP LOCKED` so two
sweeps share the work instead of queueing behind each other; on SQLite the write lock
every transaction takes at BEGIN serialises sweeps. The batch is claimed by one
compare-and-set (`status = 'pending'` → `'fired'`, returning the ids won; the statements
live in `workflow.lifecycles.deadline`, the deadline's only writer), then each
action runs in a savepoint of the same transaction: a deadline fires with all its
consequences or not at all (a failing action gives its row back), and a batch that dies
before COMMIT leaves its rows pending for the next sweep.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from config.catalogue import DEFAULT, Label, msg, render
from models import Deadline
from models.audit import lane_of
from models.scheduling import PENDING
from models.uow import UnitOfWork
from workflow.access import require_admin
from workflow.actors import Actor
from workflow.deadline_actions import action_for, load_context
from workflow.errors import CalendarRangeError, HonorflowError, InvalidState
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles.deadline import FAILED as FAILED
from workflow.lifecycles.deadline import MAX_ATTEMPTS as MAX_ATTEMPTS
from workflow.repository import commit, get
from workflow.services.escalation_summary import fold_office_escalations

log = logging.getLogger(__name__)

BATCH = 200


@dataclass
class SweepResult:
    """What one sweep did, by outcome."""

    fired: int = 0
    already_taken: int = 0
    errors: int = 0
    # Deadlines that could not be computed (e.g. past the calendar's last year): parked as
    # failed with their error, for an administrator to mend and retry; never counted fired.
    failed: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    # Messages to campaign offices that each carry every escalation of this sweep.
    summaries: int = 0


def sweep(uow: UnitOfWork, now: datetime, *, batch: int = BATCH) -> SweepResult:
    """Fire every deadline due at `now`, one transaction per batch."""
    result = SweepResult()
    while True:
        rows = _take_batch(uow, now, batch)
        # Claiming first matters: an action may close its stage's pending deadlines, and a
        # row fired by another sweep meanwhile is not ours (the ids returned are).
        claimed = deadline_lifecycle.claim(uow, [row.id for row in rows], now)
        result.already_taken += len(rows) - len(claimed)
        # Fired lane by lane (due order kept within a campaign): a batch spans campaigns and
        # so audit lanes, and two sweeps taking lanes in one order never deadlock.
        ours = sorted((row for row in rows if row.id in claimed), key=_lane)
        # Held while the batch fires: the session keeps the rows it read only weakly.
        _batch_rows = load_context(uow, ours)
        fired = [_fire(uow, row, now, result) for row in ours]
        deadline_lifecycle.record_outcomes(uow, {i: o for i, o in fired if o is not None})
        commit(uow)
        if len(rows) < batch:
            result.summaries = fold_office_escalations(uow, now)
            return result


def _lane(row: Deadline) -> int:
    return lane_of(row.campaign_id)


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


def _fire(
    uow: UnitOfWork, row: Deadline, now: datetime, result: SweepResult
) -> tuple[int, str | None]:
    """Run one claimed deadline's action in a savepoint; its outcome, or None if it failed."""
    deadline_id, kind = row.id, row.kind
    try:
        with uow.session.begin_nested():
            try:
                done = action_for(kind)(uow, row, now)
            except CalendarRangeError:
                raise  # not a refusal: the deadline cannot be computed, nothing of it is kept
            except HonorflowError as refusal:  # the state no longer allows it: nothing to do
                done = msg("sweep.skipped_refused", reason=refusal.message or str(refusal))
            # Shown to administrators as it is: the Chinese text of what the action did.
            outcome = render(done, DEFAULT)
    except CalendarRangeError as exc:
        _failed(uow, deadline_id, kind, str(exc), park=True)
        result.failed += 1
        return deadline_id, None
    except Exception as exc:  # a bug in an action must not stop the other deadlines
        _failed(uow, deadline_id, kind, f"{type(exc).__name__}: {exc}", park=False)
        result.errors += 1
        return deadline_id, None
    result.fired += 1
    result.kinds[kind.split(":", 1)[0]] += 1
    return deadline_id, outcome


def _failed(uow: UnitOfWork, deadline_id: int, kind: str, error: str, *, park: bool) -> None:
    """Give a broken deadline back (or park it as failed), logged with its error: at WARNING
    when it cannot be computed, at ERROR with the traceback when its action broke (a bug)."""
    status = deadline_lifecycle.give_back(uow, deadline_id, error, park=park)
    fields = {"deadline_id": deadline_id, "kind": kind, "outcome": status, "error": error}
    level = logging.WARNING if park else logging.ERROR
    log.log(level, "deadline %s (%s) is %s: %s", deadline_id, kind, status, error,
            extra=fields, exc_info=not park)  # fmt: skip


def due_count(uow: UnitOfWork, now: datetime) -> int:
    """How many deadlines are due and not yet fired."""
    query = select(func.count(Deadline.id)).where(
        Deadline.status == PENDING, Deadline.due_at <= now
    )
    return uow.session.scalar(query) or 0


def retry(uow: UnitOfWork, ids: list[int], actor: Actor, now: datetime) -> list[Deadline]:
    """Give failed deadlines another try (failed -> pending; administrators only; audited).

    Every id is checked before any moves: one that is missing or not failed refuses them all.
    """
    require_admin(actor)
    rows = [get(uow, Deadline, i, "deadline") for i in dict.fromkeys(ids)]
    for row in rows:
        if row.status != FAILED:  # a fired one goes back to pending only by its sweep
            status = Label("deadline_status", row.status)
            raise InvalidState(msg("error.deadline_not_failed", id=row.id, status=status))
    for row in rows:
        deadline_lifecycle.retry(uow, row.id, actor, now)
    commit(uow)
    return rows
