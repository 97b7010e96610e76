"""The committee decision's outcomes: written with the decision, applied in batches after it.

The decision (`workflow.services.committee.decide`) records, in its one transaction, the
campaign's move to 已审定, its audit event and one outcome row per nominee on the list. The
rows are then applied here, `BATCH` nominations per transaction (approve or reject on each,
through the one path of every state change), so another change in the campaign waits for one
batch at most, never for the whole list, and memory stays flat in the list's length.

Should the process stop between batches, the decision stands and the rest of its rows wait:
the `honorflow.finish_decisions` task (every minute) applies them as the system. Until every
row is applied the final list and the campaign's closing are refused (`pending`), so nobody
reads half a list. A nomination that reached the committee stage after the decision has no
row and is left alone: it was not on the list the committee decided.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import NamedTuple

from sqlalchemy import func, insert, select, update

from config.catalogue import Message, msg
from models import Campaign, DecisionOutcome, Nomination
from models.uow import UnitOfWork
from workflow.actors import SYSTEM, Actor
from workflow.definition import StageKind
from workflow.errors import InvalidState
from workflow.repository import commit
from workflow.services.definitions import definition_of
from workflow.services.transitions import apply

BATCH = 200  # nominations per transaction: what another change in the campaign may wait for
_INSERT_CHUNK = 1000  # outcome rows per INSERT statement
# SQLite has one write lock, and a writer waiting for it asks again only every 100 ms (the
# driver's busy handler): without a pause longer than that between batches, the next batch
# would take the lock again first and every other writer would wait for the whole list.
SQLITE_PAUSE_S = 0.11


class Outcome(NamedTuple):
    """What the decision does with one nominee: approve, or reject with the exception's reason
    (None for an alternate never called up)."""

    nomination_id: int
    approved: bool
    reason: str | None


def committee_stage(campaign: Campaign) -> str:
    """The state in which the campaign's nominations await the committee's decision."""
    stages = definition_of(campaign.definition).stages
    return next(s.id for s in stages if s.kind is StageKind.COMMITTEE_DECISION)


def record(uow: UnitOfWork, campaign_id: int, outcomes: Iterable[Outcome]) -> None:
    """Write the decision's outcomes in the caller's transaction, a chunk per statement."""
    rows = iter(outcomes)
    while chunk := list(islice(rows, _INSERT_CHUNK)):
        values = [
            {"campaign_id": campaign_id, "nomination_id": o.nomination_id,
             "approved": o.approved, "reason": o.reason, "applied_at": None}
            for o in chunk
        ]  # fmt: skip
        uow.session.execute(insert(DecisionOutcome), values)


def pending(uow: UnitOfWork, campaign_id: int) -> int:
    """How many of the campaign's decided outcomes are not yet applied."""
    query = select(func.count()).where(
        DecisionOutcome.campaign_id == campaign_id, DecisionOutcome.applied_at.is_(None)
    )
    return int(uow.session.scalar(query) or 0)


def require_applied(uow: UnitOfWork, campaign: Campaign) -> None:
    """Refuse while the campaign's decision is still being applied (its list is not whole)."""
    left = pending(uow, campaign.id)
    if left:
        raise InvalidState(msg("error.decision_being_applied", campaign=campaign.title, n=left))


def apply_pending(
    uow: UnitOfWork, campaign_id: int, actor: Actor, now: datetime, *, batch: int | None = None
) -> int:
    """Apply the campaign's outstanding outcomes, one committed transaction per `batch`
    (default `BATCH`); returns how many were applied (another applier's share is not counted)."""
    applied = 0
    while True:
        done = _apply_batch(uow, campaign_id, actor, now, batch or BATCH)
        commit(uow)  # each batch on its own (an empty one only ends its read)
        if done == 0:
            return applied
        uow.session.expunge_all()  # nothing of a batch is kept: memory stays flat in the list
        applied += done
        if uow.dialect == "sqlite":
            time.sleep(SQLITE_PAUSE_S)


def finish_decisions(uow: UnitOfWork, now: datetime, *, batch: int | None = None) -> int:
    """Apply what stopped decisions left, as the system; returns how many outcomes."""
    return sum(apply_pending(uow, c, SYSTEM, now, batch=batch) for c in _unfinished(uow))


def _unfinished(uow: UnitOfWork) -> list[int]:
    query = (
        select(DecisionOutcome.campaign_id)
        .where(DecisionOutcome.applied_at.is_(None))
        .distinct()
        .order_by(DecisionOutcome.campaign_id)
    )
    return list(uow.session.scalars(query))


def _apply_batch(uow: UnitOfWork, campaign_id: int, actor: Actor, now: datetime, batch: int) -> int:
    """Apply up to `batch` outstanding outcomes in the caller's transaction; how many."""
    outcomes = _take(uow, campaign_id, batch)
    if not outcomes:
        return 0
    campaign = uow.session.get_one(Campaign, campaign_id)
    stage = committee_stage(campaign)
    nominations = _lock(uow, [o.nomination_id for o in outcomes])
    for outcome in outcomes:
        nomination = nominations[outcome.nomination_id]
        if nomination.status != stage:  # moved on: nothing else moves it, but never apply twice
            continue
        if outcome.approved:
            approved_by = msg("audit.committee_approved")
            apply(uow, nomination, "approve", actor, now, reason=approved_by, internal=True)
        else:
            why: str | Message = outcome.reason or msg("audit.alternate_not_called_up")
            apply(uow, nomination, "reject", actor, now, reason=why, internal=True)
    uow.session.execute(
        update(DecisionOutcome)
        .where(
            DecisionOutcome.campaign_id == campaign_id,
            DecisionOutcome.nomination_id.in_([o.nomination_id for o in outcomes]),
        )
        .values(applied_at=now)
    )
    return len(outcomes)


def _take(uow: UnitOfWork, campaign_id: int, batch: int) -> list[Outcome]:
    """The next outstanding outcomes in nomination order; on PostgreSQL those another
    applier holds are skipped, so two appliers share the list instead of queueing."""
    query = (
        select(DecisionOutcome.nomination_id, DecisionOutcome.approved, DecisionOutcome.reason)
        .where(DecisionOutcome.campaign_id == campaign_id, DecisionOutcome.applied_at.is_(None))
        .order_by(DecisionOutcome.nomination_id)
        .limit(batch)
    )
    if uow.dialect == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [Outcome(*row) for row in uow.session.execute(query)]


def _lock(uow: UnitOfWork, ids: list[int]) -> dict[int, Nomination]:
    """The batch's nominations, locked in id order (as every change locks a row before the
    campaign's audit lane, so two appliers never deadlock)."""
    query = select(Nomination).where(Nomination.id.in_(ids)).order_by(Nomination.id)
    if uow.dialect == "postgresql":
        query = query.with_for_update(of=Nomination)
    return {n.id: n for n in uow.session.scalars(query).unique()}
