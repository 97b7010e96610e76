"""Verifying the audit chain: every stored event, its link, its hash or HMAC, the heads and the
row count — and, when given, an anchor kept outside the database.

Each lane (models/audit.py) is walked by its place in the lane (seq) with no lower bound, so no
row escapes because of its id, its place or its time; each lane's count must equal its head's,
and the number of rows walked the number stored. A campaign's lane holds only its campaign's
events (the lane is implied by the hashed campaign id), and its head's seal names the lane.
Each event's key is found by the key id it records, among the current key and the older ones
(config/audit_key.py); an id no configured key has is refused naming the event. Events
written before the audit key (no key id) are checked by their plain SHA-256; from the first
event sealed with a key on, every event of its lane must be sealed, and the lane's head must
carry a key's seal. What this proves and what it does not: README, "Hardening".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, tuple_
from sqlalchemy.orm import Session

from config.audit_key import AuditKey
from config.catalogue import DEFAULT, Message, msg, render
from config.display import moment
from models import AuditEvent, AuditHead
from models.audit import GENESIS_HASH as GENESIS
from models.audit import LANE_NONE
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.audit import AuditEntry, event_digest, head_seal


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int  # in every lane
    problem: Message | None = None  # what is wrong, named by the first bad event
    first_bad_seq: int | None = None
    # The first event sealed with the audit key in lane 0, the chain kept before lanes (None:
    # no event there is, e.g. all written before the key); other lanes are keyed throughout.
    keyed_from: int | None = None
    # The anchor the chain was checked against (its events in every lane), if one was given.
    anchored_at: int | None = None
    first_bad_lane: int | None = None  # the lane of the first bad event or head
    lanes: int = 0  # lanes walked

    def said(self, locale: str = DEFAULT) -> str:
        """What is wrong, as text in a locale naming its lane ("" when the chain is intact)."""
        if self.problem is None:
            return ""
        if self.first_bad_lane is None:
            return render(self.problem, locale)
        code = "chain.in_lane_none" if self.first_bad_lane == LANE_NONE else "chain.in_lane"
        return render(msg(code, lane=self.first_bad_lane, problem=self.problem), locale)


@dataclass(frozen=True)
class Anchor:
    """The lanes' heads written down outside the database: the chain must still hold them."""

    lanes: Mapping[int, tuple[int, str]]  # lane -> (seq, hash) of its head
    at: datetime
    key_id: str | None = None

    @property
    def seq(self) -> int:
        """The events anchored, in every lane."""
        return sum(seq for seq, _ in self.lanes.values())

    @property
    def digest(self) -> str:
        """One SHA-256 over every lane's head: what the office's e-mail keeps."""
        heads = {str(lane): [seq, digest] for lane, (seq, digest) in sorted(self.lanes.items())}
        return hashlib.sha256(json.dumps(heads, sort_keys=True).encode()).hexdigest()


def verify_as(uow: UnitOfWork, actor: Actor) -> ChainReport:
    """The chain verification an administrator asks for, with the deployment's key."""
    from workflow.access.gates import require_admin

    require_admin(actor)
    return verify(uow.session, key=uow.audit_key)


@dataclass
class _Walk:
    """One lane walked so far."""

    prev_hash: str = GENESIS
    count: int = 0
    keyed_from: int | None = None
    last_id: int | None = None
    anchor_hash: str | None = None


# Events read per statement: 5,000 rows with their payloads were 33 MiB at once (the national
# demo's report); at 1,000 the walk costs no more time.
VERIFY_BATCH = 1000


def verify(
    session: Session,
    batch: int = VERIFY_BATCH,
    key: AuditKey | None = None,
    anchor: Anchor | None = None,
) -> ChainReport:
    """Walk every lane in order; report the first event altered, removed, inserted, reordered
    or moved to another lane, a head or a row count that does not match, or an anchor the chain
    lost."""
    walks: dict[int, _Walk] = {}
    after: tuple[int, int] | None = None
    while True:
        query = select(*EVENT_COLUMNS).order_by(AuditEvent.lane, AuditEvent.seq, AuditEvent.id)
        if after is not None:
            query = query.where(tuple_(AuditEvent.lane, AuditEvent.seq) > tuple_(*after))
        rows = session.execute(query.limit(batch)).all()
        for event in rows:
            walk = walks.setdefault(event.lane, _Walk())
            problem = _check_event(event, walk, key)
            if problem:
                return _broken(walks, problem, event.lane, event.seq)
            _advance(walk, event, anchor)
        if len(rows) < batch:
            break
        after = (rows[-1].lane, rows[-1].seq)
    anchored = anchor.seq if anchor is not None else None
    total = sum(walk.count for walk in walks.values())
    stored = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    if stored != total:  # a row without a place in a lane, or one passed over
        problem = msg("chain.rows_unlinked", stored=stored, count=total)
        return _broken(walks, problem, None, total, anchored)
    found = _check_heads(session, walks, key) or (
        _check_anchor(walks, anchor) if anchor is not None else None
    )
    if found:
        lane, problem = found
        return _broken(walks, problem, lane, walks.get(lane, _Walk()).count, anchored)
    return ChainReport(
        True, total, keyed_from=_keyed_from(walks), anchored_at=anchored, lanes=len(walks)
    )


def _broken(
    walks: dict[int, _Walk],
    problem: Message,
    lane: int | None,
    seq: int,
    anchored: int | None = None,
) -> ChainReport:
    total = sum(walk.count for walk in walks.values())
    return ChainReport(
        False, total, problem, seq, _keyed_from(walks), anchored, lane, lanes=len(walks)
    )


def _keyed_from(walks: dict[int, _Walk]) -> int | None:
    lane_none = walks.get(LANE_NONE)
    return lane_none.keyed_from if lane_none is not None else None


def _advance(walk: _Walk, event: Row[Any], anchor: Anchor | None) -> None:
    if event.key_id is not None and walk.keyed_from is None:
        walk.keyed_from = event.seq
    if anchor is not None and event.seq == anchor.lanes.get(event.lane, (None, ""))[0]:
        walk.anchor_hash = event.hash
    walk.prev_hash, walk.count, walk.last_id = event.hash, walk.count + 1, event.id


_HEADS = select(AuditHead.lane, AuditHead.seq, AuditHead.hash, AuditHead.key_id, AuditHead.seal)


def _check_heads(
    session: Session, walks: dict[int, _Walk], key: AuditKey | None
) -> tuple[int, Message] | None:
    """Every lane walked has its head, and every head its lane's events: the first lane whose
    head does not match, with what is wrong."""
    heads = {head.lane: head for head in session.execute(_HEADS)}
    for lane in sorted(set(heads) | set(walks)):
        walk, head = walks.get(lane, _Walk()), heads.get(lane)
        problem = _check_head(lane, head, walk, key)
        if problem:
            return lane, problem
    return None


def _check_head(
    lane: int,
    head: Row[int, int, str, str | None, str | None] | None,
    walk: _Walk,
    key: AuditKey | None,
) -> Message | None:
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
    if head.seal != head_seal(head_key, head.seq, head.hash, lane):
        return msg("chain.head_seal_mismatch")
    return None


def _check_anchor(walks: dict[int, _Walk], anchor: Anchor) -> tuple[int, Message] | None:
    """Every anchored lane still holds its anchored head with its hash, and has not shrunk
    below it."""
    when = moment(anchor.at)
    for lane, (seq, digest) in sorted(anchor.lanes.items()):
        walk = walks.get(lane, _Walk())
        if walk.count < seq:
            return lane, msg("chain.anchor_shrunk", count=walk.count, seq=seq, when=when)
        anchored_hash = GENESIS if seq == 0 else walk.anchor_hash
        if anchored_hash != digest:
            return lane, msg("chain.anchor_differs", seq=seq, when=when)
    return None


EVENT_COLUMNS = (
    AuditEvent.id,
    AuditEvent.lane,
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
        # A lane's appends are serialised on its head row, so its rows are stored in order.
        return msg("chain.reordered", seq=event.seq)
    if event.lane != LANE_NONE and event.campaign_id != event.lane:
        # The lane is not hashed but implied by the campaign id, which is.
        return msg("chain.wrong_lane", seq=event.seq, campaign=event.campaign_id or "-")
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
