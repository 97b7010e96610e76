"""The append-only audit log, chained by hash, and its verification."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from models import AuditEvent, AuditHead
from models.audit import GENESIS_HASH
from models.uow import UnitOfWork
from workflow.actors import Actor

GENESIS = GENESIS_HASH


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
    # The account that acted (None for the system and for CLI roles without an account).
    actor_user_id: int | None = None
    actor_username: str | None = None

    @classmethod
    def by(
        cls,
        actor: Actor,
        trigger: str,
        *,
        campaign_id: int | None = None,
        nomination_id: int | None = None,
        from_state: str | None = None,
        to_state: str | None = None,
        reason: str | None = None,
        payload: dict[str, Any] | None = None,
    ) -> AuditEntry:
        """What an actor did: its label as the audit shows it, and the account behind it."""
        return cls(
            actor.label,
            trigger,
            campaign_id,
            nomination_id,
            from_state,
            to_state,
            reason,
            payload,
            actor_user_id=actor.user_id,
            actor_username=actor.username,
        )

    def account(self) -> tuple[int | None, str | None]:
        """The acting account (id, username)."""
        return self.actor_user_id, self.actor_username


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
    # The account is hashed only when there is one, so events written before it was
    # recorded (and the system's) keep the digest they were written with.
    user_id, username = entry.account()
    if user_id is not None or username is not None:
        body["actor_user_id"], body["actor_username"] = user_id, username
    text = prev_hash + json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Appended:
    """Where an event landed in the chain."""

    seq: int
    hash: str


# Built once: statements with bound parameters hit SQLAlchemy's compiled cache every time.
_EVENTS = cast(Table, AuditEvent.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == 1)
    .values(seq=_HEAD.c.seq + 1)
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
_SET_HEAD_HASH = update(_HEAD).where(_HEAD.c.id == 1).values(hash=bindparam("digest"))
_INSERT_EVENT = insert(_EVENTS)


def append(uow: UnitOfWork, now: datetime, entry: AuditEntry) -> Appended:
    """Add an event at the chain's tip; moving the tip row serialises concurrent appends."""
    session = uow.session
    seq, prev_hash = _advance_head(session)
    digest = event_digest(prev_hash, seq, now, entry)
    user_id, username = entry.account()
    session.execute(
        _INSERT_EVENT,
        {
            "seq": seq,
            "at": now,
            "actor": str(entry.actor),
            "actor_user_id": user_id,
            "actor_username": username,
            "campaign_id": entry.campaign_id,
            "nomination_id": entry.nomination_id,
            "trigger": entry.trigger,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "reason": entry.reason,
            "payload": entry.payload or {},
            "prev_hash": prev_hash,
            "hash": digest,
        },
    )
    session.execute(_SET_HEAD_HASH, {"digest": digest})
    return Appended(seq, digest)


def _advance_head(session: Session) -> tuple[int, str]:
    """Take the next sequence number and the previous hash; the row stays locked until commit."""
    # On PostgreSQL the UPDATE holds the row lock to the end of the transaction; SQLite holds
    # the database write lock already, from BEGIN IMMEDIATE.
    row = session.execute(_ADVANCE_HEAD).one_or_none()
    if row is None:  # a database made without the migration's head row
        session.execute(insert(_HEAD).values(id=1, seq=0, hash=GENESIS))
        row = session.execute(_ADVANCE_HEAD).one()
    return int(row.seq), str(row.hash)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problem: str | None = None
    first_bad_seq: int | None = None


def verify_as(uow: UnitOfWork, actor: Actor) -> ChainReport:
    """The chain verification an administrator asks for."""
    from workflow.access.gates import require_admin

    require_admin(actor)
    return verify(uow.session)


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain in order; report the first event altered, removed or inserted."""
    prev_hash, expected_seq, count, last_id = GENESIS, 1, 0, 0
    while True:
        rows = session.execute(
            select(*EVENT_COLUMNS)
            .where(AuditEvent.id > last_id)
            .order_by(AuditEvent.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            problem = _check_event(event, prev_hash, expected_seq)
            if problem:
                return ChainReport(False, count, problem, event.seq)
            prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
        last_id = rows[-1].id
    head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    if head is not None and (head.seq != count or head.hash != prev_hash):
        return ChainReport(
            False, count, f"the chain ends at event {count} but its head records {head.seq}", count
        )
    return ChainReport(True, count)


EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.actor_user_id,
    AuditEvent.actor_username,
    AuditEvent.campaign_id,
    AuditEvent.nomination_id,
    AuditEvent.trigger,
    AuditEvent.from_state,
    AuditEvent.to_state,
    AuditEvent.reason,
    AuditEvent.payload,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def _check_event(event: Row[Any], prev_hash: str, expected_seq: int) -> str | None:
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
        actor_user_id=event.actor_user_id,
        actor_username=event.actor_username,
    )
    if event_digest(prev_hash, event.seq, event.at, entry) != event.hash:
        return f"event {event.seq} was altered: its content does not match its hash"
    return None
