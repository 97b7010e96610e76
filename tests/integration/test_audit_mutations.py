"""The audit mutation test: every way of changing a stored chain without the key is detected.

A chain of 8 events (2 written before the key, 3 under a key since rotated out, 3 under the
current key) is mutated at every position — a field altered, an event deleted, one inserted
(below the lowest id too), two reordered, the whole chain rewritten with recomputed hashes and
the head moved, events, the head or all moved to another lane — each mutation in a
transaction that is rolled back, so one chain serves all.
Verification must fail every time: the test prints the figures and asserts 100 %.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from config.audit_key import AuditKey
from models import AuditEvent, AuditHead
from models.uow import UnitOfWork
from tests.conftest import T0
from workflow import audit, audit_verify
from workflow.audit_verify import EVENT_COLUMNS, _entry

OLD = AuditKey(b"o" * 32)
KEYS = AuditKey(b"n" * 32, older=(OLD,))  # the current key, with the one it replaced
ATTACKER = AuditKey(b"a" * 32)  # a key the attacker made up: the real one is not in the database
N = 8
POSITIONS = range(1, N + 1)
Mutation = Callable[[Session], None]


@pytest.fixture
def chain(sf: sessionmaker[Session]) -> sessionmaker[Session]:
    """8 events: 2 unkeyed, 3 under the old key, 3 under the current one; it verifies."""
    for i in range(N):
        key = None if i < 2 else OLD if i < 5 else KEYS
        with UnitOfWork(sf, audit_key=key) as uow:
            entry = audit.AuditEntry(
                "王审核（工作专班）", "pass", nomination_id=None, reason=f"{i}"
            )
            audit.append(uow, T0 + timedelta(minutes=i), entry)
            uow.commit()
    assert _report(sf, lambda s: None) == audit_verify.ChainReport(True, N, keyed_from=3, lanes=1)
    return sf


def _report(sf: sessionmaker[Session], mutate: Mutation) -> audit_verify.ChainReport:
    """Verification of the chain as the mutation leaves it; the mutation is rolled back."""
    with UnitOfWork(sf) as uow:
        mutate(uow.session)
        uow.session.flush()
        return audit_verify.verify(uow.session, batch=3, key=KEYS)


def _row(s: Session, seq: int) -> Any:
    return s.execute(select(*EVENT_COLUMNS).where(AuditEvent.seq == seq)).one()


def _set(s: Session, seq: int, /, **values: Any) -> None:
    s.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(**values))


# --- the mutations ----------------------------------------------------------------------------

ALTERED: dict[str, Callable[[Any], Any]] = {
    "reason": lambda r: "篡改后的理由",
    "actor": lambda r: "admin (admin)",
    "trigger": lambda r: "approve",
    "at": lambda r: r.at - timedelta(days=400),
    "payload": lambda r: {"votes_for": 99},
    "actor_user_id": lambda r: 1,
    "actor_username": lambda r: "wang",
    "to_state": lambda r: "awarded",
    "key_id": lambda r: None if r.key_id else OLD.id,
    "prev_hash": lambda r: "e" * 64,
    "hash": lambda r: "f" * 64,
}


def alter(seq: int, field: str) -> Mutation:
    def run(s: Session) -> None:
        row = _row(s, seq)
        _set(s, seq, **{field: ALTERED[field](row)})

    return run


def delete_event(seq: int, move_head: bool) -> Mutation:
    """Delete one event; with `move_head`, also point the head at the event before it."""

    def run(s: Session) -> None:
        s.execute(delete(AuditEvent).where(AuditEvent.seq == seq))
        if move_head:
            prev = _row(s, seq - 1).hash if seq > 1 else audit.GENESIS
            s.execute(update(AuditHead).values(seq=seq - 1, hash=prev))

    return run


def insert_event(after: int, lowest_id: bool) -> Mutation:
    """A forged event after `after` (0: before the first), later ones renumbered and relinked;
    with `lowest_id`, stored under an id below every other."""

    def run(s: Session) -> None:
        for seq in range(N, after, -1):  # one row at a time: seq stays unique throughout
            _set(s, seq, seq=seq + 1)
        prev = _row(s, after).hash if after else audit.GENESIS
        entry = audit.AuditEntry("admin (admin)", "approve", reason="伪造")
        digest = audit.event_digest(prev, after + 1, T0, entry)  # no key: plain SHA-256
        values: dict[str, Any] = {"lane": 0, "seq": after + 1, "at": T0, "actor": entry.actor}
        values |= {"trigger": entry.trigger, "reason": entry.reason, "payload": {}}
        values |= {"prev_hash": prev, "hash": digest, "key_id": None}
        if lowest_id:
            values["id"] = s.execute(select(func.min(AuditEvent.id))).scalar_one() - 1
        s.execute(insert(AuditEvent).values(**values))
        if after < N:
            _set(s, after + 2, prev_hash=digest)

    return run


def insert_unlinked(seq: int) -> Mutation:
    """An extra row outside the sequence (seq 0 or below, or past the end), lowest id."""

    def run(s: Session) -> None:
        low = s.execute(select(func.min(AuditEvent.id))).scalar_one() - 1
        entry = audit.AuditEntry("admin (admin)", "approve")
        values: dict[str, Any] = {"id": low, "lane": 0, "seq": seq}
        values |= {"at": T0 - timedelta(days=1)}
        values |= {"actor": entry.actor, "trigger": entry.trigger, "payload": {}}
        values |= {
            "prev_hash": audit.GENESIS,
            "hash": audit.event_digest(audit.GENESIS, seq, T0, entry),
        }
        s.execute(insert(AuditEvent).values(**values))

    return run


def reorder(a: int, b: int, how: str) -> Mutation:
    """Two events swap their stored places (ids), their places in the chain (seq), or times."""

    def run(s: Session) -> None:
        ra, rb = _row(s, a), _row(s, b)
        if how == "ids":
            park = s.execute(select(func.min(AuditEvent.id))).scalar_one() - 100
            s.execute(update(AuditEvent).where(AuditEvent.id == ra.id).values(id=park))
            s.execute(update(AuditEvent).where(AuditEvent.id == rb.id).values(id=ra.id))
            s.execute(update(AuditEvent).where(AuditEvent.id == park).values(id=rb.id))
        elif how == "seq":
            _set(s, a, seq=-1)
            _set(s, b, seq=a)
            s.execute(update(AuditEvent).where(AuditEvent.seq == -1).values(seq=b))
        else:
            _set(s, a, at=rb.at)
            _set(s, b, at=ra.at)

    return run


def rewrite(seq: int, how: str) -> Mutation:
    """Alter one event and recompute every hash without the real key, moving the head:
    as plain SHA-256 keeping the key ids, stripped of keys and seals, or under a key of one's
    own recorded with the real key's id or with its own."""

    def run(s: Session) -> None:
        _set(s, seq, reason="篡改后的理由")
        prev, key = audit.GENESIS, ATTACKER if how in ("own-key", "borrowed-id") else None
        for row in s.execute(select(*EVENT_COLUMNS).order_by(AuditEvent.seq)).all():
            used = key if row.key_id is not None else None
            digest = audit.event_digest(prev, row.seq, row.at, _entry(row), used)
            key_id = {"stripped": None, "own-key": ATTACKER.id}.get(how, row.key_id)
            moved = update(AuditEvent).where(AuditEvent.id == row.id)
            s.execute(moved.values(prev_hash=prev, hash=digest, key_id=key_id))
            prev = digest
        head: dict[str, Any] = {"hash": prev}
        if how == "stripped":
            head |= {"seal": None, "key_id": None}
        elif key is not None:
            head |= {"seal": audit.head_seal(key, N, prev)}
            head |= {"key_id": ATTACKER.id if how == "own-key" else KEYS.id}
        s.execute(update(AuditHead).values(**head))

    return run


def move_lane(seqs: range, head: bool) -> Mutation:
    """Events `seqs` and, with `head`, the head put in another lane (7)."""

    def run(s: Session) -> None:
        s.execute(update(AuditEvent).where(AuditEvent.seq.in_(seqs)).values(lane=7))
        if head:
            s.execute(update(AuditHead).values(lane=7))

    return run


REWRITES = ("sha256", "stripped", "own-key", "borrowed-id")
PAIRS = [(a, b) for a in POSITIONS for b in POSITIONS if a < b]
MUTATIONS: dict[str, list[tuple[str, Mutation]]] = {
    "alter": [(f"{f}@{p}", alter(p, f)) for p in POSITIONS for f in ALTERED],
    "delete": [
        (f"{p}{'+head' if h else ''}", delete_event(p, h)) for p in POSITIONS for h in (False, True)
    ],
    "insert": [
        (f"after {p}{' low id' if low else ''}", insert_event(p, low))
        for p in range(N + 1)
        for low in (False, True)
    ]
    + [(f"unlinked seq {q}", insert_unlinked(q)) for q in (0, -5, N + 1)],
    "reorder": [
        (f"{how} {a}<>{b}", reorder(a, b, how)) for a, b in PAIRS for how in ("ids", "seq", "at")
    ],
    "rewrite": [(f"{how}@{p}", rewrite(p, how)) for p in POSITIONS for how in REWRITES],
    "lane": [(f"event {p} to lane 7", move_lane(range(p, p + 1), False)) for p in POSITIONS]
    + [
        ("head to lane 7", move_lane(range(0), True)),
        ("all to lane 7", move_lane(POSITIONS, True)),
    ],
}


@pytest.mark.parametrize("kind", list(MUTATIONS))
def test_every_mutation_at_every_position_is_detected(
    chain: sessionmaker[Session], kind: str
) -> None:
    missed = [name for name, mutate in MUTATIONS[kind] if _report(chain, mutate).ok]
    total = len(MUTATIONS[kind])
    print(f"audit mutation {kind}: {total - len(missed)}/{total} detected")
    assert missed == [], f"{kind}: not detected: {missed}"
    assert _report(chain, lambda s: None).ok  # every mutation was rolled back


def test_an_event_under_an_unknown_key_id_is_refused_naming_it(
    chain: sessionmaker[Session],
) -> None:
    with UnitOfWork(chain) as uow:
        report = audit_verify.verify(uow.session, key=AuditKey(b"n" * 32))  # the old key dropped
    assert not report.ok and report.first_bad_seq == 3
    assert f"event 3 is sealed with key {OLD.id}, which is not available" in report.said("en")
