"""What the operator's metrics read from the database at scrape time (README "Metrics").

Counted from the rows, not by counters in the processes: web and workers are many
processes, the database already knows every state change (the audit), every deadline and
every message, and a restarted process loses nothing. Each query is a grouped count over
an index (`ix_deadlines_due`, `ix_outbox_due`) or over the audit's state changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from models import AuditEvent, Deadline, OutboxMessage
from models.scheduling import FAILED, PENDING, SENDING
from models.uow import UnitOfWork

# The outbox states an operator watches; sent and digested messages only grow.
WATCHED_OUTBOX = (PENDING, SENDING, FAILED)


@dataclass(frozen=True)
class OperationsFigures:
    """State changes by trigger, deadlines by kind and status, the outbox by status."""

    state_changes: dict[str, int] = field(default_factory=dict)
    deadlines: dict[tuple[str, str], int] = field(default_factory=dict)
    deadlines_due: dict[str, int] = field(default_factory=dict)
    outbox: dict[str, int] = field(default_factory=dict)
    oldest_pending: datetime | None = None


def operations_figures(uow: UnitOfWork, now: datetime) -> OperationsFigures:
    """The figures the metrics endpoint shows, read in one transaction."""
    session = uow.session
    changes = (
        select(AuditEvent.trigger, func.count())
        .where(AuditEvent.from_state.is_not(None), AuditEvent.to_state.is_not(None))
        .where(AuditEvent.from_state != AuditEvent.to_state)
        .group_by(AuditEvent.trigger)
    )
    deadlines = select(Deadline.kind, Deadline.status, func.count()).group_by(
        Deadline.kind, Deadline.status
    )
    due = (
        select(Deadline.kind, func.count())
        .where(Deadline.status == PENDING, Deadline.due_at <= now)
        .group_by(Deadline.kind)
    )
    outbox = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(WATCHED_OUTBOX))
        .group_by(OutboxMessage.status)
    )
    oldest = select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status == PENDING)
    return OperationsFigures(
        state_changes={str(t): int(n) for t, n in session.execute(changes)},
        deadlines={(str(k), str(s)): int(n) for k, s, n in session.execute(deadlines)},
        deadlines_due={str(k): int(n) for k, n in session.execute(due)},
        outbox={status: 0 for status in WATCHED_OUTBOX}
        | {str(s): int(n) for s, n in session.execute(outbox)},
        oldest_pending=session.scalar(oldest),
    )
