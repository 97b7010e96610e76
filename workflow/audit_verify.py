"""Verifying the audit chain: every stored event, its link, its hash or HMAC, the head and the
row count — and, when given, an anchor kept outside the database.

Events are walked by their place in the chain (seq) with no lower bound, so no row escapes
because of its id, its place or its time; the number of rows walked must equal the number
stored and the head's count. Each event's key is found by the key id it records, among the
current key and the older ones (config/audit_key.py); an id no configured key has is refused
naming the event. Events written before the audit key (no key id) are checked by their plain
SHA-256; from the first event sealed with a key on, every event must be sealed, and the head
row must carry a key's seal. What this proves and what it does not: README, "Hardening".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
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
    # The anchor the chain was checked against (its seq), if one was given.
    anchored_at: int | None = None


@dataclass(frozen=True)
class Anchor:
    """A head written down outside the database: the chain must still hold it."""

    seq: int
    hash: str
    at: datetime
    key_id: str | None = None


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
    last_id: int | None = None
    anchor_hash: str | None = None


def verify(
    session: Session, batch: int = 5000, key: AuditKey | None = None, anchor: Anchor | None = None
) -> ChainReport:
    """Walk the whole chain in order; report the first event altered, removed, inserted or
    reordered, a head or a row count that does not match, or an anchor the chain lost."""
    walk, last_seq = _Walk(), None
    while True:
        query = select(*EVENT_COLUMNS).order_by(AuditEvent.seq, AuditEvent.id).limit(batch)
        if last_seq is not None:
            query = query.where(AuditEvent.seq > last_seq)
        rows = session.execute(query).all()
        for event in rows:
            problem = _check_event(event, walk, key)
            if problem:
                return ChainReport(False, walk.count, problem, event.seq, walk.keyed_from)
            _advance(walk, event, anchor)
        if len(rows) < batch:
            break
        last_seq = rows[-1].seq
    anchored = anchor.seq if anchor is not None else None
    problem = _check_rows(session, walk) or _check_head(session, walk, key)
    if problem is None and anchor is not None:
        problem = _check_anchor(walk, anchor)
    if problem:
        return ChainReport(False, walk.count, problem, walk.count, walk.keyed_from, anchored)
    return ChainReport(True, walk.count, keyed_from=walk.keyed_from, anchored_at=anchored)


def _advance(walk: _Walk, event: Row[Any], anchor: Anchor | None) -> None:
    if event.key_id is not None and walk.keyed_from is None:
        walk.keyed_from = event.seq
    if anchor is not None and event.seq == anchor.seq:
        walk.anchor_hash = event.hash
    walk.prev_hash, walk.count, walk.last_id = event.hash, walk.count + 1, event.id


def _check_rows(session: Session, walk: _Walk) -> str | None:
    """Every stored row was walked: none without a place in the chain, none passed over."""
    stored = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    if stored != walk.count:
        return f"the table holds {stored} events but the chain links {walk.count}"
    return None


def _check_head(session: Session, walk: _Walk, key: AuditKey | None) -> str | None:
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.key_id, AuditHead.seal).where(
            AuditHead.id == 1
        )
    ).first()
    if head is None:
        return None if walk.count == 0 else "the chain has events but no head"
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
    head_key = key.for_id(head.key_id) if key is not None else None
    if head_key is None:
        return f"the head is sealed with key {head.key_id}, which is not available: it was moved"
    if head.seal != head_seal(head_key, head.seq, head.hash):
        return "the head's seal does not match it: the head was moved without the audit key"
    return None


def _check_anchor(walk: _Walk, anchor: Anchor) -> str | None:
    """The chain still holds the anchored head with its hash, and has not shrunk below it."""
    when = anchor.at.isoformat(timespec="seconds")
    if walk.count < anchor.seq:
        return f"the chain has {walk.count} events but held {anchor.seq} when anchored at {when}"
    anchored_hash = GENESIS if anchor.seq == 0 else walk.anchor_hash
    if anchored_hash != anchor.hash:
        return f"event {anchor.seq} differs from its anchor of {when}: the chain was rewritten"
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
    if walk.last_id is not None and event.id <= walk.last_id:
        # Appends are serialised on the head row, so rows are stored in chain order.
        return f"event {event.seq} is stored before the event it follows: the chain was reordered"
    if event.prev_hash != walk.prev_hash:
        return f"event {event.seq} does not link to event {expected_seq - 1}: removed or inserted"
    if event.key_id is None and walk.keyed_from is not None:
        return (
            f"event {event.seq} is not sealed with the audit key but follows sealed events: "
            "it was rewritten or inserted"
        )
    used = key.for_id(event.key_id) if key is not None and event.key_id is not None else None
    if event.key_id is not None and used is None:
        return f"event {event.seq} is sealed with key {event.key_id}, which is not available"
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
