"""How near a state change can come to the raw UPDATE: the same statements, no rules.

Run by hand (not a test):

    .venv/bin/python bench/bench_statement_ceiling.py [--db sqlite|postgresql|both] [--n 1000]
        [--block 100]

On a fresh database per kind it seeds nominations in `submitted` (not timed) and then times,
alternating in blocks of `--block` (the order of the loops reverses every block):

  raw        `UPDATE nominations SET updated_at` and COMMIT per row (bench_transitions' raw);
  core       the statements `begin_review` sends, in its order and with its parameters'
             shapes, through SQLAlchemy Core on one connection: lock the row, write its state,
             read the calendar, insert the task, its deadlines and its message, move the audit
             head, insert the event, seal the head, COMMIT. No ORM, no rules, no hashing;
  direct, psycopg, pipelined, fused
             the same writes below Core (`driver_ceiling.py`: through `models.direct`; the
             statements' SQL on psycopg's cursor; that in pipeline mode; six hand-written
             statements with data-modifying CTEs), the last three on PostgreSQL only;
  honorflow  `transitions.fire(uow, id, "begin_review", ...)`.

Each loop's rate over raw's is what that way of sending the writes allows: a ceiling for any
path that sends them so.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine  # noqa: E402

from bench.bench_transitions import (  # noqa: E402
    bench_database,
    blocks,
    check_done,
    honorflow_fire,
    raw_update,
    seed,
    timed,
)
from bench.ceiling_statements import (  # noqa: E402
    SEAL,
    deadline_row,
    event_row,
    message_row,
    state_row,
    statements,
    task_row,
)
from bench.driver_ceiling import direct_statements, fused_statements, psycopg_statements  # noqa: E402
from models.db import make_session_factory  # noqa: E402

WARMUP = 50
LOOPS = ("raw", "core", "direct", "psycopg", "pipelined", "fused", "honorflow")
POSTGRESQL_ONLY = ("psycopg", "pipelined", "fused")


def same_statements(engine: Engine, ids: list[int]) -> None:
    """`begin_review`'s statements, one transaction per row, through Core."""
    sql = statements(engine.dialect.name == "postgresql")
    for nid in ids:
        with engine.begin() as conn:
            row = conn.execute(sql["lock"], {"nid": nid}).one()
            conn.execute(sql["state"], state_row(nid, row.version))
            conn.execute(sql["calendar"]).all()
            task_id = conn.execute(sql["task"], task_row(row.campaign_id, nid)).scalar_one()
            deadlines = [deadline_row(row.campaign_id, nid, task_id, k) for k in "ab"]
            conn.execute(sql["deadlines"], deadlines)
            conn.execute(sql["message"], message_row(row.campaign_id, nid, task_id))
            seq, prev = conn.execute(sql["advance"], {"head_lane": row.campaign_id}).one()
            conn.execute(sql["event"], event_row(row.campaign_id, nid, seq, prev))
            conn.execute(sql["seal"], {"head_lane": row.campaign_id} | SEAL)


def measure(kind: str, n: int, block: int) -> dict[str, float]:
    """Changes per second of every loop on `kind`, each on rows of its own."""
    names = [name for name in LOOPS if kind == "postgresql" or name not in POSTGRESQL_ONLY]
    with bench_database(kind) as db:
        sf = make_session_factory(db.engine)
        ids = seed(sf, len(names) * n + WARMUP)
        honorflow_fire(sf, ids[:WARMUP])  # the audit lane's head exists; caches are warm
        raw_update(db.engine, ids[:WARMUP])
        runs: dict[str, Callable[[list[int]], None]] = {
            "raw": partial(raw_update, db.engine),
            "core": partial(same_statements, db.engine),
            "direct": partial(direct_statements, sf),
            "psycopg": partial(psycopg_statements, db.engine),
            "pipelined": partial(psycopg_statements, db.engine, pipelined=True),
            "fused": partial(fused_statements, db.engine),
            "honorflow": partial(honorflow_fire, sf),
        }
        shares = {
            name: blocks(ids[WARMUP + i * n : WARMUP + (i + 1) * n], block)
            for i, name in enumerate(names)
        }
        spent = dict.fromkeys(names, 0.0)
        for number in range(len(shares["raw"])):
            order = names if number % 2 == 0 else names[::-1]
            for name in order:
                spent[name] += timed(partial(runs[name], shares[name][number]))
        check_done(sf, [i for chunk in shares["honorflow"] for i in chunk])
        return {name: n / seconds for name, seconds in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=1000, help="changes timed per loop")
    parser.add_argument("--block", type=int, default=100, help="rows per alternating block")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"statement ceiling, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, N={args.n}")
    print("changes per second, and over raw's rate (measured in the same run, alternating)")
    print(f"{'database':<11}" + "".join(f"{name:>16}" for name in LOOPS))
    for kind in kinds:
        rates = measure(kind, args.n, args.block)
        cells = [
            f"{rates[name]:>7.0f} ({rates[name] / rates['raw']:.2f})" if name in rates else "—"
            for name in LOOPS
        ]
        print(f"{kind:<11}" + "".join(f"{cell:>16}" for cell in cells))


if __name__ == "__main__":
    main()
