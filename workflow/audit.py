"""The append-only audit log, chained by hash, and its verification.

Each event's hash covers its content and the previous event's hash. Since the audit key
(config/audit_key.py) it is an HMAC under that key, kept outside the database, and the event
records the key's id; events written before carry no key id and keep their plain SHA-256
(format 1). Without the key, whoever can write the database can no longer recompute the chain:
rewriting an event and every hash after it, and moving the head, is detected. The head row is
sealed too (an HMAC of its lane, seq and hash).

Events are chained per lane (models/audit.py): the campaign's, or lane 0 without one. An append
locks only its lane's head row, so changes in different campaigns do not wait on one another;
within a lane appends still serialise, so no lane forks. The lane is not hashed into an event:
it is implied by the campaign id, which is (a campaign's lane must be its campaign), and lane 0
is the one chain kept before lanes, whose events must keep the digest they were written with.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from config.audit_key import AuditKey
from models import AuditEvent, AuditHead, direct
from models.audit import GENESIS_HASH, LANE_NONE, lane_of
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


def event_digest(
    prev_hash: str, seq: int, at: datetime, entry: AuditEntry, key: AuditKey | None = None
) -> str:
    """The hash of one event over its content and the previous event's hash: an HMAC under
    the key when given, else (events before the key) a plain SHA-256."""
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
    if key is not None:
        return key.seal(text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def head_seal(key: AuditKey, seq: int, digest: str, lane: int = LANE_NONE) -> str:
    """A head row's seal: moving the head (lane, seq, hash) needs the key. Lane 0 keeps the
    text sealed before lanes, so a head sealed then still verifies."""
    if lane == LANE_NONE:
        return key.seal(f"audit head {seq} {digest}")
    return key.seal(f"audit head lane {lane} {seq} {digest}")


@dataclass(frozen=True)
class Appended:
    """Where an event landed: its lane and its place in the lane."""

    seq: int
    hash: str
    lane: int = LANE_NONE


# Built once: statements with bound parameters hit SQLAlchemy's compiled cache every time.
_EVENTS = cast(Table, AuditEvent.__table__)
_HEAD = cast(Table, AuditHead.__table__)
_ADVANCE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.lane == bindparam("head_lane"))
    .values(seq=_HEAD.c.seq + 1)
    .returning(_HEAD.c.seq, _HEAD.c.hash)
)
# The lane's head locked and nothing more (`hold_lane`).
_HOLD_HEAD = select(_HEAD.c.lane).where(_HEAD.c.lane == bindparam("head_lane")).with_for_update()
_SET_HEAD_HASH = (
    update(_HEAD)
    .where(_HEAD.c.lane == bindparam("head_lane"))
    .values(hash=bindparam("digest"), key_id=bindparam("key_id"), seal=bindparam("seal"))
)
_INSERT_EVENT = insert(_EVENTS)
_NEW_HEAD = {"seq": 0, "hash": GENESIS}
# PostgreSQL writes the event and moves the head in one statement (a data-modifying CTE),
# one round trip fewer per append; both happen, or neither. The event's parameters are
# prefixed so that they cannot meet the head's.
_EVENT_PARAMS = {
    c.name: bindparam(f"event_{c.name}", type_=c.type) for c in _EVENTS.c if c.name != "id"
}
_INSERT_EVENT_SET_HEAD = _SET_HEAD_HASH.add_cte(insert(_EVENTS).values(_EVENT_PARAMS).cte("event"))


# A lane's head row, inserted unless it is there: two first appends racing to make it both go
# on, and the loser then waits on the winner's row lock like any other append.
_NEW_HEADS: dict[str, Insert] = {
    "postgresql": postgresql.insert(_HEAD).on_conflict_do_nothing(index_elements=[_HEAD.c.lane]),
    "sqlite": sqlite.insert(_HEAD).on_conflict_do_nothing(index_elements=[_HEAD.c.lane]),
}


def append(
    uow: UnitOfWork, now: datetime, entry: AuditEntry, key: AuditKey | None = None
) -> Appended:
    """Add an event at its lane's tip; moving the lane's tip row serialises concurrent appends
    in the lane (and only there).

    Sealed with the unit of work's key, or the one given (a rotation seals with the new key).
    """
    session, key = uow.session, key or uow.audit_key
    lane = lane_of(entry.campaign_id)
    seq, prev_hash = _advance_head(session, lane)
    digest = event_digest(prev_hash, seq, now, entry, key)
    key_id = key.id if key is not None else None
    user_id, username = entry.account()
    event = {
        "lane": lane,
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
        "key_id": key_id,
    }
    seal = head_seal(key, seq, digest, lane) if key is not None else None
    head = {"head_lane": lane, "digest": digest, "key_id": key_id, "seal": seal}
    if uow.dialect == "postgresql":
        prefixed = {f"event_{name}": value for name, value in event.items()}
        direct.execute(session, _INSERT_EVENT_SET_HEAD, head | prefixed)
    else:
        direct.execute(session, _INSERT_EVENT, event)
        direct.execute(session, _SET_HEAD_HASH, head)
    return Appended(seq, digest, lane)


def hold_lane(uow: UnitOfWork, campaign_id: int | None) -> None:
    """Lock the campaign's lane head now, before the change writes anything else.

    For a change that moves the place tally (models/place_tally.py): a transaction that
    changes several nominations (the committee decision's batch, a step-up) holds the head
    from its first event on while it moves further tally rows, so a change that took a tally
    row first and then waited for the head would close a circle. Taken in this order
    everywhere — nomination, head, tally — no two changes wait for each other. On SQLite the
    write lock of BEGIN IMMEDIATE already orders every writer.
    """
    if uow.dialect == "postgresql":
        direct.read(uow.session, _HOLD_HEAD, {"head_lane": lane_of(campaign_id)})


def _advance_head(session: Session, lane: int) -> tuple[int, str]:
    """Take the lane's next sequence number and previous hash; the lane's row stays locked
    until commit."""
    # On PostgreSQL the UPDATE holds the row lock to the end of the transaction; SQLite holds
    # the database write lock already, from BEGIN IMMEDIATE.
    rows = direct.execute(session, _ADVANCE_HEAD, {"head_lane": lane}).rows
    if not rows:  # the lane's first event
        dialect = session.get_bind().dialect.name
        session.execute(_NEW_HEADS[dialect], {"lane": lane, **_NEW_HEAD})
        rows = direct.execute(session, _ADVANCE_HEAD, {"head_lane": lane}).rows
    ((seq, prev_hash),) = rows
    return int(seq), str(prev_hash)


__all__ = [
    "GENESIS",
    "Appended",
    "AuditEntry",
    "append",
    "event_digest",
    "head_seal",
]
