"""How near SQLAlchemy can bring a state change to the raw UPDATE: the same statements, no rules.

Run by hand (not a test):

    .venv/bin/python bench/bench_statement_ceiling.py [--db sqlite|postgresql|both] [--n 1000]
        [--block 100]

On a fresh database per kind it seeds nominations in `submitted` (not timed) and then times,
alternating in blocks of `--block` (which loop goes first alternates too):

  raw        `UPDATE nominations SET updated_at` and COMMIT per row (bench_transitions' raw);
  statements the statements `begin_review` sends, in its order and with its parameters'
             shapes, through SQLAlchemy Core on one connection: lock the row, write its state,
             read the calendar, insert the task, its deadlines and its message, move the audit
             head, insert the event, seal the head, COMMIT. No ORM, no rules, no hashing;
  honorflow  `transitions.fire(uow, id, "begin_review", ...)`.

`statements / raw` is what the statement count alone allows through SQLAlchemy: a ceiling for
any rewrite of the path that keeps these statements and SQLAlchemy underneath.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, Table, bindparam, insert, select, text, update  # noqa: E402

from bench.bench_transitions import (  # noqa: E402
    T0,
    bench_database,
    blocks,
    check_done,
    honorflow_fire,
    raw_update,
    seed,
    timed,
)
from models import AuditEvent, AuditHead, Deadline, Nomination, OutboxMessage, ReviewTask  # noqa: E402
from models.db import make_session_factory  # noqa: E402

WARMUP = 50
NOMINATIONS = Nomination.__table__
HEAD = AuditHead.__table__
assert isinstance(NOMINATIONS, Table) and isinstance(HEAD, Table)


@dataclass(frozen=True)
class Ceiling:
    db: str
    n: int
    raw: float  # changes per second
    statements: float
    honorflow: float


def _statements(for_update: bool) -> dict[str, Any]:
    lock = select(NOMINATIONS).where(NOMINATIONS.c.id == bindparam("nid"))
    return {
        "lock": lock.with_for_update() if for_update else lock,
        "state": update(NOMINATIONS)
        .where(NOMINATIONS.c.id == bindparam("nid"), NOMINATIONS.c.version == bindparam("v"))
        .values(
            status=bindparam("st"),
            version=bindparam("nv"),
            updated_at=bindparam("at"),
            stage_entered_at=bindparam("at"),
        ),
        "calendar": text(
            "SELECT day, is_working_day, NULL, NULL FROM calendar_overrides"
            " UNION ALL SELECT NULL, NULL, year, checksum FROM calendar_years"
        ),
        "task": insert(ReviewTask.__table__).returning(ReviewTask.__table__.c.id),
        "deadlines": insert(Deadline.__table__),
        "message": insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id),
        "advance": update(HEAD)
        .where(HEAD.c.lane == bindparam("head_lane"))
        .values(seq=HEAD.c.seq + 1)
        .returning(HEAD.c.seq, HEAD.c.hash),
        "event": insert(AuditEvent.__table__),
        "seal": update(HEAD)
        .where(HEAD.c.lane == bindparam("head_lane"))
        .values(hash=bindparam("h"), key_id=None, seal=None),
    }


def same_statements(engine: Engine, ids: list[int]) -> None:
    """`begin_review`'s statements, one transaction per row, through Core."""
    sql = _statements(engine.dialect.name == "postgresql")
    for nid in ids:
        with engine.begin() as conn:
            row = conn.execute(sql["lock"], {"nid": nid}).one()
            state = {"nid": nid, "v": row.version, "st": "qualification", "nv": row.version + 1}
            conn.execute(sql["state"], state | {"at": T0})
            conn.execute(sql["calendar"]).all()
            task = {
                "nomination_id": nid,
                "campaign_id": row.campaign_id,
                "stage": "qualification",
                "department": "working_team",
                "role": "team_reviewer",
                "status": "open",
                "due_at": T0,
                "created_at": T0,
                "version": 1,
            }
            task_id = conn.execute(sql["task"], task).scalar_one()
            conn.execute(
                sql["deadlines"], [_deadline(row.campaign_id, nid, task_id, k) for k in "ab"]
            )
            conn.execute(sql["message"], _message(row.campaign_id, nid, task_id)).scalar_one()
            seq, prev = conn.execute(sql["advance"], {"head_lane": row.campaign_id}).one()
            conn.execute(sql["event"], _event(row.campaign_id, nid, seq, prev))
            conn.execute(sql["seal"], {"head_lane": row.campaign_id, "h": "ab" * 32})


def _deadline(campaign_id: int, nid: int, task_id: int, kind: str) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id, "nomination_id": nid, "task_id": task_id,
        "objection_id": None, "kind": kind, "stage": "qualification", "due_at": T0,
        "status": "cancelled", "fired_at": None, "created_at": T0, "attempts": 0,
    }  # fmt: skip


def _message(campaign_id: int, nid: int, task_id: int) -> dict[str, Any]:
    return {
        "idempotency_key": f"ceiling:{task_id}", "kind": "task_assigned",
        "recipient": "office@example.org", "campaign_id": campaign_id, "nomination_id": nid,
        "context": {"task_id": task_id}, "status": "held", "attempts": 0, "last_error": None,
        "created_at": T0, "sent_at": None,
    }  # fmt: skip


def _event(campaign_id: int, nid: int, seq: int, prev: str) -> dict[str, Any]:
    return {
        "lane": campaign_id, "seq": seq, "at": T0, "actor": "bench", "actor_user_id": None,
        "actor_username": None, "campaign_id": campaign_id, "nomination_id": nid,
        "trigger": "ceiling", "from_state": "submitted", "to_state": "qualification",
        "reason": None, "payload": {}, "prev_hash": prev, "hash": "ab" * 32, "key_id": None,
    }  # fmt: skip


def measure(kind: str, n: int, block: int) -> Ceiling:
    with bench_database(kind) as db:
        sf = make_session_factory(db.engine)
        ids = seed(sf, 2 * n + WARMUP)
        honorflow_fire(sf, ids[:WARMUP])  # the audit lane's head exists; caches are warm
        raw_update(db.engine, ids[:WARMUP])
        mine, theirs = ids[WARMUP : WARMUP + n], ids[WARMUP + n :]
        spent = {"raw": 0.0, "statements": 0.0, "honorflow": 0.0}
        for number, (a, b) in enumerate(
            zip(blocks(mine, block), blocks(theirs, block), strict=True)
        ):
            loops: list[tuple[str, Callable[[], None]]] = [
                ("raw", partial(raw_update, db.engine, a)),
                ("statements", partial(same_statements, db.engine, a)),
                ("honorflow", partial(honorflow_fire, sf, b)),
            ]
            order = loops if number % 2 == 0 else loops[::-1]
            for name, run in order:
                spent[name] += timed(run)
        check_done(sf, theirs)
        return Ceiling(kind, n, n / spent["raw"], n / spent["statements"], n / spent["honorflow"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=1000, help="changes timed per loop")
    parser.add_argument("--block", type=int, default=100, help="rows per alternating block")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"statement ceiling, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'database':<11} {'N':>6} {'raw/s':>8} {'statements/s':>13} {'honorflow/s':>12}"
          f" {'statements/raw':>15} {'honorflow/raw':>14}")  # fmt: skip
    for kind in kinds:
        c = measure(kind, args.n, args.block)
        print(
            f"{c.db:<11} {c.n:>6} {c.raw:>8.0f} {c.statements:>13.0f} {c.honorflow:>12.0f}"
            f" {c.statements / c.raw:>15.2f} {c.honorflow / c.raw:>14.2f}"
        )


if __name__ == "__main__":
    main()
