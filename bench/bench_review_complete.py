"""A reviewer's completion against a raw single-row UPDATE, with statements per completion.

Run by hand (not a test):

    .venv/bin/python bench/bench_review_complete.py [--db postgresql|sqlite] [--n 600]
        [--block 50]

On a fresh database (PostgreSQL: a scratch schema dropped at the end) it creates N + warm-up
nominations in qualification, each with its open team-review task (set-up, not timed), then
times, alternating in blocks of `--block` so that a slow spell of the machine weighs on both:

  raw       one `UPDATE nominations SET updated_at=... WHERE id=...` and COMMIT per row,
            through the same engine (SQLAlchemy Core);
  pass      `reviews.complete(uow, task, reviewer, "pass", opinion, now)`: lock, check, the
            task done, the nomination into joint review (its two departments' tasks, their
            deadlines and messages), the audit, commit;
  waiting   `reviews.complete(..., "clear", ...)` on one of the two joint-review tasks: the
            stage waits for the other department, so only the task and its audit move.

It prints ms per completion, statements per completion (counted on the warm-up), audit
events appended per completion, and each loop's rate as a ratio of the raw rate.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event, func, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bench.bench_transitions import T0, database, raw_update, seed  # noqa: E402
from models import AuditEvent, ReviewTask  # noqa: E402
from models.db import make_session_factory  # noqa: E402
from models.reviews import TASK_OPEN  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow.actors import Actor  # noqa: E402
from workflow.services import reviews, transitions  # noqa: E402

TEAM = Actor("基准审核", "team_reviewer", department="working_team")
OFFICE = Actor("基准办公室", "admin")
WARMUP = 20


@dataclass(frozen=True)
class Loop:
    name: str
    ms: float  # per completion
    statements: float  # per completion, on the warm-up
    events: float  # audit events appended per completion


def prepare(sf: sessionmaker[Session], ids: list[int]) -> None:
    """Every nomination into qualification: one open team-review task each (not timed)."""
    for nomination_id in ids:
        with UnitOfWork(sf) as uow:
            transitions.fire(uow, nomination_id, "begin_review", OFFICE, T0)


def open_task_of(sf: sessionmaker[Session], ids: list[int], stage: str) -> list[int]:
    """One open task of `stage` per nomination, in the nominations' order."""
    with UnitOfWork(sf) as uow:
        rows = uow.session.execute(
            select(ReviewTask.nomination_id, func.min(ReviewTask.id))
            .where(ReviewTask.nomination_id.in_(ids), ReviewTask.stage == stage)
            .where(ReviewTask.status == TASK_OPEN)
            .group_by(ReviewTask.nomination_id)
        ).all()
    first = dict(rows)
    return [first[i] for i in ids]


def completing(
    sf: sessionmaker[Session], outcome: str, actor: Actor
) -> Callable[[list[int]], None]:
    def run(tasks: list[int]) -> None:
        for task in tasks:
            with UnitOfWork(sf) as uow:
                reviews.complete(uow, task, actor, outcome, "经核查，同意", T0)

    return run


def events(sf: sessionmaker[Session]) -> int:
    with UnitOfWork(sf) as uow:
        return int(uow.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def counted(engine: Engine, run: Callable[[], None]) -> int:
    """Statements `run` sends (SQLite's BEGIN left out: PostgreSQL's driver sends it unseen)."""
    sent = [0]

    def seen(conn: object, cursor: object, sql: str, *args: object) -> None:
        sent[0] += 0 if sql.startswith("BEGIN") else 1

    event.listen(engine, "before_cursor_execute", seen)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return sent[0]


def alternate(
    engine: Engine,
    raw_ids: list[int],
    tasks: list[int],
    run: Callable[[list[int]], None],
    block: int,
) -> tuple[float, float]:
    """Seconds spent in raw and in `run`, block by block, raw and project taking turns."""
    raw_s = flow_s = 0.0
    for start in range(0, len(tasks), block):
        gc.collect()
        t0 = time.perf_counter()
        raw_update(engine, raw_ids[start : start + block])
        t1 = time.perf_counter()
        run(tasks[start : start + block])
        t2 = time.perf_counter()
        raw_s, flow_s = raw_s + t1 - t0, flow_s + t2 - t1
    return raw_s, flow_s


def measure(
    engine: Engine,
    sf: sessionmaker[Session],
    name: str,
    tasks: list[int],
    raw_ids: list[int],
    run: Callable[[list[int]], None],
    block: int,
) -> tuple[Loop, float]:
    """One loop's figures beside the raw rate measured alongside it."""
    warm, work = tasks[:WARMUP], tasks[WARMUP:]
    before = events(sf)
    statements = counted(engine, lambda: run(warm))
    appended = (events(sf) - before) / len(warm)
    raw_s, flow_s = alternate(engine, raw_ids, work, run, block)
    raw_rate = len(work) / raw_s
    return Loop(name, 1000 * flow_s / len(work), statements / len(warm), appended), raw_rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--block", type=int, default=50)
    args = parser.parse_args()
    with database(args.db) as engine:
        sf = make_session_factory(engine)
        ids = seed(sf, args.n + WARMUP)
        prepare(sf, ids)
        raw_update(engine, ids[:WARMUP])  # warm the raw statement too
        results = []
        for name, stage, outcome, actor in (
            ("pass", "qualification", "pass", TEAM),
            ("waiting", "joint_review", "clear", OFFICE),
        ):
            tasks = open_task_of(sf, ids, stage)
            run = completing(sf, outcome, actor)
            results.append(measure(engine, sf, name, tasks, ids[WARMUP:], run, args.block))
    print(f"{args.db}, {args.n} completions per loop after {WARMUP} warm-up, block {args.block}")
    print(f"{'loop':<8} {'ms/completion':>14} {'statements':>11} {'audit events':>13} "
          f"{'raw UPDATE/s':>13} {'ratio':>6}")  # fmt: skip
    for loop, raw_rate in results:
        rate = 1000 / loop.ms
        print(f"{loop.name:<8} {loop.ms:>14.2f} {loop.statements:>11.1f} {loop.events:>13.2f} "
              f"{raw_rate:>13.0f} {rate / raw_rate:>6.3f}")  # fmt: skip


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(run took {timedelta(seconds=round(time.perf_counter() - started))})")
