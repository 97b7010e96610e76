"""The append-only audit log, chained by hash, and its verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import AuditEvent, AuditHead
from models.uow import UnitOfWork

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    """What happened, as the person or system that did it saw it."""

    actor: str
    trigger: str
    campaign_id: int | None = None
    nomination_id: int | None = None
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    payload: dict[str, Any] | None = None


def event_digest(prev_hash: str, seq: int, at: datetime, entry: AuditEntry) -> str:
    """The hash of one event over its content and the previous event's hash."""
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "trigger": entry.trigger,
        "campaign_id": entry.campaign_id,
        "nomination_id": entry.nomination_id,
        "from": entry.from_state,
        "to": entry.to_state,
        "reason": entry.reason,
        "payload": entry.payload or {},
    }
    text = prev_hash + json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append(uow: UnitOfWork, now: datetime, entry: AuditEntry) -> AuditEvent:
    """Add an event at the chain's tip; the tip row's update serialises concurrent appends."""
    session = uow.session
    head = _lock_head(session)
    seq = head.seq + 1
    digest = event_digest(head.hash, seq, now, entry)
    event = AuditEvent(
        seq=seq,
        at=now,
        actor=entry.actor,
        campaign_id=entry.campaign_id,
        nomination_id=entry.nomination_id,
        trigger=entry.trigger,
        from_state=entry.from_state,
        to_state=entry.to_state,
        reason=entry.reason,
        payload=entry.payload or {},
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.seq, head.hash = seq, digest
    return event


def _lock_head(session: Session) -> AuditHead:
    # Touch the row first so that PostgreSQL holds its lock until commit (SQLite holds the
    # database write lock already, from BEGIN IMMEDIATE).
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    head = session.get(AuditHead, 1, populate_existing=True)
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    return head


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problem: str | None = None
    first_bad_seq: int | None = None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in order; report the first event altered, removed or inserted."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            problem = _check_event(event, prev_hash, expected_seq)
            if problem:
                return ChainReport(False, count, problem, event.seq)
            prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
        last_id = rows[-1].id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != count or head.hash != prev_hash):
        return ChainReport(
            False, count, f"the chain ends at event {count} but its head records {head.seq}", count
        )
    return ChainReport(True, count)


def _check_event(event: AuditEvent, prev_hash: str, expected_seq: int) -> str | None:
    if event.seq != expected_seq:
        return (
            f"event {event.seq} follows event {expected_seq - 1}: an event was removed or inserted"
        )
    if event.prev_hash != prev_hash:
        return f"event {event.seq} does not link to event {expected_seq - 1}: removed or inserted"
    entry = AuditEntry(
        actor=event.actor,
        trigger=event.trigger,
        campaign_id=event.campaign_id,
        nomination_id=event.nomination_id,
        from_state=event.from_state,
        to_state=event.to_state,
        reason=event.reason,
        payload=event.payload,
    )
    if event_digest(prev_hash, event.seq, event.at, entry) != event.hash:
        return f"event {event.seq} was altered: its content does not match its hash"
    return None
