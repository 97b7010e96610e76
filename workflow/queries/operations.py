"""What the operator's metrics read from the database at scrape time (README "Metrics").

Counted from the rows, not by counters in the processes: web and workers are many
processes, the database already knows every state change (the audit), every deadline and
every message, and a restarted process loses nothing. The deadline and outbox queries are
grouped counts over their indexes (`ix_deadlines_due`, `ix_outbox_due`). The audit grows
without end (300,000 events took 0.2 s to count on PostgreSQL), so state changes are
tallied incrementally: the audit is append-only and numbered in each lane (`lane`, `seq`;
a lane's events commit in seq order, which ids across lanes do not), so each scrape counts
only each lane's events after the last one it saw, up to the lane's head.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select

from models import AuditEvent, AuditHead, Deadline, OutboxMessage
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


class StateChangeTally:
    """State changes by trigger, counted once: each update reads only the events after the
    last one seen in each lane (one per process that serves /metrics)."""

    def __init__(self) -> None:
        self.last_seq: dict[int, int] = {}  # lane -> the last seq counted
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def update(self, uow: UnitOfWork) -> dict[str, int]:
        """Count the events appended since the last update; the tally so far."""
        with self._lock:  # two scrapes at once must not count the same events twice
            session = uow.session
            # A lane's head moves at the commit that adds its events: the events up to it are
            # all there, whatever other lanes have in flight.
            tops = {int(lane): int(seq) for lane, seq in session.execute(_HEADS)}
            if any(tops.get(lane, 0) < seq for lane, seq in self.last_seq.items()):
                self.last_seq, self.counts = {}, {}  # a database made afresh (demo --reset)
            grown = [
                and_(
                    AuditEvent.lane == lane,
                    AuditEvent.seq > self.last_seq.get(lane, 0),
                    AuditEvent.seq <= top,
                )
                for lane, top in tops.items()
                if top > self.last_seq.get(lane, 0)
            ]
            if grown:
                changes = (
                    select(AuditEvent.trigger, func.count())
                    .where(or_(*grown))
                    .where(AuditEvent.from_state.is_not(None), AuditEvent.to_state.is_not(None))
                    .where(AuditEvent.from_state != AuditEvent.to_state)
                    .group_by(AuditEvent.trigger)
                )
                for trigger, count in session.execute(changes):
                    self.counts[str(trigger)] = self.counts.get(str(trigger), 0) + int(count)
                self.last_seq.update(tops)
            return dict(self.counts)


_HEADS = select(AuditHead.lane, AuditHead.seq)


def operations_figures(
    uow: UnitOfWork, now: datetime, tally: StateChangeTally | None = None
) -> OperationsFigures:
    """The figures the metrics endpoint shows, read in one transaction."""
    session = uow.session
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
        state_changes=(tally or StateChangeTally()).update(uow),
        deadlines={(str(k), str(s)): int(n) for k, s, n in session.execute(deadlines)},
        deadlines_due={str(k): int(n) for k, n in session.execute(due)},
        outbox={status: 0 for status in WATCHED_OUTBOX}
        | {str(s): int(n) for s, n in session.execute(outbox)},
        oldest_pending=session.scalar(oldest),
    )
