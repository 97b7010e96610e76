"""Verifying the audit chain: every event in order, its link, its hash or HMAC, and the head.

Events written before the audit key (no key id) are checked by their plain SHA-256; from the
first event sealed with the key on, every event must be sealed with it, and the head row must
carry the key's seal. What this proves and what it does not: README, "Hardening".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from config.audit_key import AuditKey
from models import AuditEvent, AuditHead
from models.audit import GENESIS_HASH as GENESIS
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.audit import AuditEntry, event_digest, head_seal


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problem: str | None = None
    first_bad_seq: int | None = None
    # The first event sealed with the audit key (None: no event is, e.g. all written before).
    keyed_from: int | None = None


def verify_as(uow: UnitOfWork, actor: Actor) -> ChainReport:
    """The chain verification an administrator asks for, with the deployment's key."""
    from workflow.access.gates import require_admin

    require_admin(actor)
    return verify(uow.session, key=uow.audit_key)


@dataclass
class _Walk:
    prev_hash: str = GENESIS
    count: int = 0
    keyed_from: int | None = None


def verify(session: Session, batch: int = 5000, key: AuditKey | None = None) -> ChainReport:
    """Walk the chain in order; report the first event altered, removed or inserted."""
    walk, last_id = _Walk(), 0
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
            problem = _check_event(event, walk, key)
            if problem:
                return ChainReport(False, walk.count, problem, event.seq, walk.keyed_from)
            if event.key_id is not None and walk.keyed_from is None:
                walk.keyed_from = event.seq
            walk.prev_hash, walk.count = event.hash, walk.count + 1
        last_id = rows[-1].id
    problem = _check_head(session, walk, key)
    if problem:
        return ChainReport(False, walk.count, problem, walk.count, walk.keyed_from)
    return ChainReport(True, walk.count, keyed_from=walk.keyed_from)


def _check_head(session: Session, walk: _Walk, key: AuditKey | None) -> str | None:
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.key_id, AuditHead.seal).where(
            AuditHead.id == 1
        )
    ).first()
    if head is None:
        return None
    if head.seq != walk.count or head.hash != walk.prev_hash:
        return f"the chain ends at event {walk.count} but its head records {head.seq}"
    if walk.keyed_from is None:
        if head.seal is not None:
            return "the head is sealed with the audit key but no event is: the chain was rewritten"
        if key is not None and head.seq > 0:
            # A chain stripped of its seals looks like one written before the key: with a key,
            # an unsealed chain is refused (`honorflow audit seal` seals one after an upgrade).
            return "no event is sealed with the audit key: run `honorflow audit seal` once"
        return None
    if key is None or head.key_id != key.id:
        return f"the head is not sealed with the audit key {key.id if key else ''}: it was moved"
    if head.seal != head_seal(key, head.seq, head.hash):
        return "the head's seal does not match it: the head was moved without the audit key"
    return None


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
    AuditEvent.key_id,
)


def _check_event(event: Row[Any], walk: _Walk, key: AuditKey | None) -> str | None:
    expected_seq = walk.count + 1
    if event.seq != expected_seq:
        return (
            f"event {event.seq} follows event {expected_seq - 1}: an event was removed or inserted"
        )
    if event.prev_hash != walk.prev_hash:
        return f"event {event.seq} does not link to event {expected_seq - 1}: removed or inserted"
    if event.key_id is None and walk.keyed_from is not None:
        return (
            f"event {event.seq} is not sealed with the audit key but follows sealed events: "
            "it was rewritten or inserted"
        )
    if event.key_id is not None and (key is None or event.key_id != key.id):
        return f"event {event.seq} is sealed with key {event.key_id}, which is not available"
    used = key if event.key_id is not None else None
    if event_digest(walk.prev_hash, event.seq, event.at, _entry(event), used) != event.hash:
        return f"event {event.seq} was altered: its content does not match its hash"
    return None


def _entry(event: Row[Any]) -> AuditEntry:
    return AuditEntry(
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
