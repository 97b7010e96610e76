"""The committee decision on a long list: memory flat in its length, and no other change in the
campaign waiting for it.

Run by hand (not a test):

    .venv/bin/python bench/bench_decision.py [--db sqlite|postgresql|both] [--sizes 1000,10000]

For each database and list size, in a fresh database (SQLite: a file in a temporary
directory; PostgreSQL: a schema at HONORFLOW_BENCH_PG_URL, dropped at the end) it bulk-inserts
a campaign with that many main nominations already before the committee (not timed), then, in
one process under tracemalloc, takes the decision (`committee.decide`, with an override: the
generated list misses composition rules) while a second thread writes to the same campaign's
audit lane in a loop (one event per transaction, as any other change in the campaign does).
It prints, per size: the decision's seconds, its longest single transaction (the most another
change can wait for), the other writer's longest wait and its count of writes during the
decision, the Python memory peak during the decision (tracemalloc) and the process's peak RSS
growth. Memory flat in the list means the peak at 10,000 about that at 1,000; no change waiting
for the whole list means the longest wait is a small fraction of the decision.
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, update  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bench.bench_transitions import ADMIN, T0, bench_database, seed  # noqa: E402
from models import Campaign, Nomination  # noqa: E402
from models.db import make_session_factory  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow import audit  # noqa: E402
from workflow.actors import Actor  # noqa: E402
from workflow.services import committee  # noqa: E402

SECRETARY = Actor("审定秘书", "committee_secretary")
DECIDED_AT = T0 + timedelta(days=30)


@dataclass(frozen=True)
class Run:
    db: str
    size: int
    seconds: float
    longest_transaction: float
    other_writes: int
    other_longest_wait: float
    python_peak: int  # bytes, tracemalloc, during the decision
    rss_growth: int  # bytes of peak RSS added by the decision


def _before_committee(sf: sessionmaker[Session], size: int) -> int:
    """A campaign in its inspection and notice phase with `size` nominees before the committee."""
    ids = seed(sf, size, status="committee")
    with UnitOfWork(sf) as uow:
        campaign_id = uow.session.get_one(Nomination, ids[0]).campaign_id
        uow.session.execute(
            update(Campaign).where(Campaign.id == campaign_id).values(phase="inspection_notice")
        )
        uow.commit()
    return campaign_id


class OtherWriter(threading.Thread):
    """Another change in the same campaign, over and over: one audit event per transaction."""

    def __init__(self, sf: sessionmaker[Session], campaign_id: int) -> None:
        super().__init__(daemon=True)
        self.sf, self.campaign_id = sf, campaign_id
        self.stop = threading.Event()
        self.waits: list[float] = []

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            with UnitOfWork(self.sf) as uow:
                entry = audit.AuditEntry.by(ADMIN, trigger="note", campaign_id=self.campaign_id)
                audit.append(uow, DECIDED_AT, entry)
                uow.commit()
            self.waits.append(time.perf_counter() - started)
            time.sleep(0.005)


def _longest_transaction(sf: sessionmaker[Session]) -> tuple[list[float], object]:
    """Record how long each of the decision's transactions lasts (begin to commit)."""
    spans: list[float] = []
    began: dict[int, float] = {}

    def after_begin(session: Session, *_: object) -> None:
        began[id(session)] = time.perf_counter()

    def after_commit(session: Session) -> None:
        spans.append(time.perf_counter() - began.pop(id(session), time.perf_counter()))

    event.listen(sf, "after_begin", after_begin)
    event.listen(sf, "after_commit", after_commit)
    return spans, (after_begin, after_commit)


def measure(kind: str, size: int) -> Run:
    with bench_database(kind) as db:
        setup_sf = make_session_factory(db.engine)
        campaign_id = _before_committee(setup_sf, size)
        deciding_sf = make_session_factory(db.engine)  # its own: only its transactions timed
        spans, _hooks = _longest_transaction(deciding_sf)
        other = OtherWriter(make_session_factory(db.engine), campaign_id)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        tracemalloc.start()
        other.start()
        started = time.perf_counter()
        with UnitOfWork(deciding_sf) as uow:
            decision = committee.decide(
                uow, campaign_id, SECRETARY, DECIDED_AT, override_reason="基准测试"
            )
        seconds = time.perf_counter() - started
        other.stop.set()
        other.join()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        if len(decision.awarded) != size:
            raise SystemExit(f"{kind}: awarded {len(decision.awarded)} of {size}")
        return Run(
            kind, size, seconds, max(spans), len(other.waits), max(other.waits, default=0.0),
            peak, rss_after - rss_before,
        )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'db':<11}{'list':>7}{'decide s':>10}{'longest tx s':>14}{'other writes':>14}"
          f"{'longest wait s':>16}{'py peak MiB':>13}{'rss +MiB':>10}")  # fmt: skip
    runs: dict[tuple[str, int], Run] = {}
    for kind in kinds:
        for size in sizes:
            r = measure(kind, size)
            runs[kind, size] = r
            print(f"{r.db:<11}{r.size:>7}{r.seconds:>10.2f}{r.longest_transaction:>14.3f}"
                  f"{r.other_writes:>14}{r.other_longest_wait:>16.3f}"
                  f"{r.python_peak / 2**20:>13.1f}{r.rss_growth / 2**20:>10.1f}")  # fmt: skip
    small, large = min(sizes), max(sizes)
    for kind in kinds:
        a, b = runs[kind, small], runs[kind, large]
        peak_ratio = b.python_peak / a.python_peak
        wait_share = b.other_longest_wait / b.seconds
        print(f"{kind}: python peak at {large} / at {small}: {peak_ratio:.2f}; "
              f"longest wait / decision at {large}: {wait_share:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
