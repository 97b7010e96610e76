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
from config.catalogue import DEFAULT, Message, msg, render
from config.display import moment
from models import AuditEvent, AuditHead
from models.audit import GENESIS_HASH as GENESIS
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.audit import AuditEntry, event_digest, head_seal


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    problem: Message | None = None  # what is wrong, named by the first bad event
    first_bad_seq: int | None = None
    # The first event sealed with the audit key (None: no event is, e.g. all written before).
    keyed_from: int | None = None
    # The anchor the chain was checked against (its seq), if one was given.
    anchored_at: int | None = None

    def said(self, locale: str = DEFAULT) -> str:
        """What is wrong, as text in a locale ("" when the chain is intact)."""
        return render(self.problem, locale) if self.problem is not None else ""


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


def _check_rows(session: Session, walk: _Walk) -> Message | None:
    """Every stored row was walked: none without a place in the chain, none passed over."""
    stored = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    if stored != walk.count:
        return msg("chain.rows_unlinked", stored=stored, count=walk.count)
    return None


def _check_head(session: Session, walk: _Walk, key: AuditKey | None) -> Message | None:
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash, AuditHead.key_id, AuditHead.seal).where(
            AuditHead.id == 1
        )
    ).first()
    if head is None:
        return None if walk.count == 0 else msg("chain.no_head")
    if head.seq != walk.count or head.hash != walk.prev_hash:
        return msg("chain.head_mismatch", count=walk.count, head=head.seq)
    if walk.keyed_from is None:
        if head.seal is not None:
            return msg("chain.head_sealed_alone")
        if key is not None and head.seq > 0:
            # A chain stripped of its seals looks like one written before the key: with a key,
            # an unsealed chain is refused (`honorflow audit seal` seals one after an upgrade).
            return msg("chain.unsealed", command="honorflow audit seal")
        return None
    head_key = key.for_id(head.key_id) if key is not None else None
    if head_key is None:
        return msg("chain.head_key_missing", key=head.key_id)
    if head.seal != head_seal(head_key, head.seq, head.hash):
        return msg("chain.head_seal_mismatch")
    return None


def _check_anchor(walk: _Walk, anchor: Anchor) -> Message | None:
    """The chain still holds the anchored head with its hash, and has not shrunk below it."""
    when = moment(anchor.at)
    if walk.count < anchor.seq:
        return msg("chain.anchor_shrunk", count=walk.count, seq=anchor.seq, when=when)
    anchored_hash = GENESIS if anchor.seq == 0 else walk.anchor_hash
    if anchored_hash != anchor.hash:
        return msg("chain.anchor_differs", seq=anchor.seq, when=when)
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


def _check_event(event: Row[Any], walk: _Walk, key: AuditKey | None) -> Message | None:
    expected_seq = walk.count + 1
    if event.seq != expected_seq:
        return msg("chain.gap", seq=event.seq, prev=expected_seq - 1)
    if walk.last_id is not None and event.id <= walk.last_id:
        # Appends are serialised on the head row, so rows are stored in chain order.
        return msg("chain.reordered", seq=event.seq)
    if event.prev_hash != walk.prev_hash:
        return msg("chain.unlinked", seq=event.seq, prev=expected_seq - 1)
    if event.key_id is None and walk.keyed_from is not None:
        return msg("chain.unsealed_after", seq=event.seq)
    used = key.for_id(event.key_id) if key is not None and event.key_id is not None else None
    if event.key_id is not None and used is None:
        return msg("chain.key_missing", seq=event.seq, key=event.key_id)
    if event_digest(walk.prev_hash, event.seq, event.at, _entry(event), used) != event.hash:
        return msg("chain.altered", seq=event.seq)
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
