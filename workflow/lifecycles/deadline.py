"""The deadline's lifecycle, the one way deadline rows are made, and the only status writer.

pending -> fired (the sweep's claim) | cancelled (outlived: the stage, task or objection
ended first); fired -> pending (its action broke: the row is given back to the next sweep)
| failed (it broke MAX_ATTEMPTS times: parked); failed -> pending (an administrator retries).

The sweep moves whole batches, so its moves are set-based statements: one compare-and-set
claims a batch, one statement records its outcomes. They refuse illegal moves by their
WHERE clause (only rows in an allowed source status change). Automatic moves are not put
in the audit log: one hash-chained event per reminder would flood the chain and serialise
every sweep on its head. The row itself records them (`fired_at`, `attempts`, `outcome`,
`last_error`), and the changes a deadline causes are audited by their own writers. A move
a person causes (a retry) is audited here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ColumnElement, Table, bindparam, insert, select, update

from config.catalogue import Label, msg
from config.message_json import reason_fields
from models import Deadline, direct
from models.scheduling import CANCELLED, FIRED, PENDING
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor
from workflow.errors import NotFound
from workflow.lifecycles.table import Lifecycle

FAILED = "failed"
# An action that keeps failing (a bug, not a refusal) is parked after this many tries.
MAX_ATTEMPTS = 5

LIFECYCLE = Lifecycle(
    "deadline_status",
    {
        PENDING: frozenset({FIRED, CANCELLED}),
        FIRED: frozenset({PENDING, FAILED}),
        FAILED: frozenset({PENDING}),
        CANCELLED: frozenset(),
    },
)

_DEADLINES = cast(Table, Deadline.__table__)
_INSERT = insert(_DEADLINES)
# Core statements on the table, built once: every state change that leaves a stage runs one.
# The session writes what the ORM holds before running any of them (it autoflushes before
# every statement), so a deadline this change already moved is not taken for a pending one.
_CANCEL_PENDING = (
    update(_DEADLINES)
    .where(_DEADLINES.c.status.in_(LIFECYCLE.sources(CANCELLED)))
    .values(status=CANCELLED)
)
_CANCEL_OF_STAGE = _CANCEL_PENDING.where(
    _DEADLINES.c.nomination_id == bindparam("of_nomination"),
    _DEADLINES.c.stage == bindparam("of_stage"),
)
_CANCEL_OF_TASK = _CANCEL_PENDING.where(_DEADLINES.c.task_id == bindparam("of_task"))
# Built once: the sweep runs it for every batch.
_RECORD_OUTCOMES = (
    update(_DEADLINES)
    .where(_DEADLINES.c.id == bindparam("deadline_id"))
    .values(outcome=bindparam("outcome"))
)


@dataclass(frozen=True)
class NewDeadline:
    """A deadline to store: what falls due when, and what it belongs to."""

    campaign_id: int
    kind: str
    due_at: datetime
    nomination_id: int | None = None
    stage: str | None = None
    task_id: int | None = None
    objection_id: int | None = None


def kind_label(kind: str) -> Label:
    """A deadline kind shown by its label (`reminder:3` and `escalation:2` by their base kind)."""
    return Label("deadline_kind", kind.split(":", 1)[0])


def schedule(uow: UnitOfWork, rows: Sequence[NewDeadline], now: datetime) -> None:
    """Store pending deadline rows in one statement (the only place deadlines are made)."""
    if not rows:
        return
    direct.execute_many(
        uow.session,
        _INSERT,
        [
            {
                "campaign_id": r.campaign_id,
                "nomination_id": r.nomination_id,
                "task_id": r.task_id,
                "objection_id": r.objection_id,
                "kind": r.kind,
                "stage": r.stage,
                "due_at": r.due_at,
                "status": PENDING,
                "fired_at": None,
                "created_at": now,
                "attempts": 0,
            }
            for r in rows
        ],
    )


def claim(uow: UnitOfWork, ids: list[int], now: datetime) -> set[int]:
    """Compare-and-set pending -> fired for a batch; returns the ids this sweep won."""
    if not ids:
        return set()
    claimed = uow.session.execute(
        update(_DEADLINES)
        .where(_DEADLINES.c.id.in_(ids), _DEADLINES.c.status.in_(LIFECYCLE.sources(FIRED)))
        .values(status=FIRED, fired_at=now, attempts=_DEADLINES.c.attempts + 1)
        .returning(_DEADLINES.c.id)
    )
    return set(claimed.scalars())


def record_outcomes(uow: UnitOfWork, outcomes: dict[int, str]) -> None:
    """What each fired deadline did, for the record (one statement for the batch)."""
    if outcomes:
        rows = [{"deadline_id": i, "outcome": o[:300]} for i, o in outcomes.items()]
        uow.session.execute(_RECORD_OUTCOMES, rows)


def give_back(uow: UnitOfWork, deadline_id: int, error: str, *, park: bool = False) -> str:
    """A fired deadline whose action broke: pending again, or failed after MAX_ATTEMPTS (or at
    once with `park`: a deadline that cannot be computed, e.g. past the calendar's last year,
    fails the same way every time until an administrator mends the cause and retries it)."""
    attempts = uow.session.scalar(select(Deadline.attempts).where(Deadline.id == deadline_id))
    target = FAILED if park or (attempts or 0) >= MAX_ATTEMPTS else PENDING
    uow.session.execute(
        update(_DEADLINES)
        .where(_DEADLINES.c.id == deadline_id, _DEADLINES.c.status.in_(LIFECYCLE.sources(target)))
        .values(status=target, fired_at=None, last_error=error[:2000])
    )
    return target


def cancel_pending(uow: UnitOfWork, *where: ColumnElement[bool]) -> None:
    """Cancel the pending deadlines matching `where` (an objection settled, ...)."""
    uow.session.execute(_CANCEL_PENDING.where(*where))


def cancel_pending_of_stage(uow: UnitOfWork, nomination_id: int, stage: str) -> None:
    """Cancel the pending deadlines of a stage the nomination leaves."""
    direct.execute(
        uow.session, _CANCEL_OF_STAGE, {"of_nomination": nomination_id, "of_stage": stage}
    )


def cancel_pending_of_task(uow: UnitOfWork, task_id: int) -> None:
    """Cancel the pending deadlines of a finished task (its reminders and escalations)."""
    direct.execute(uow.session, _CANCEL_OF_TASK, {"of_task": task_id})


def retry(uow: UnitOfWork, deadline_id: int, actor: Actor, now: datetime) -> Deadline:
    """An administrator gives a parked deadline another try (failed -> pending), audited."""
    row = uow.session.get(Deadline, deadline_id)
    if row is None:
        raise NotFound(msg("error.deadline_not_found", id=deadline_id))
    LIFECYCLE.check(row.id, row.status, PENDING)
    row.status, row.attempts, row.last_error = PENDING, 0, None
    retried = msg("audit.deadline_retried", id=row.id, kind=kind_label(row.kind))
    reason, payload = reason_fields(retried, {"deadline_id": row.id})
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger="retry_deadline",
            campaign_id=row.campaign_id,
            nomination_id=row.nomination_id,
            reason=reason,
            payload=payload,
        ),
    )
    return row
