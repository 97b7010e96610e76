"""Transition throughput against a raw single-row UPDATE, and memory per nomination processed.

Run by hand (not a test):

    .venv/bin/python bench/bench_transitions.py [--db sqlite|postgresql|both] [--n 2000]
        [--mem-small 1000] [--mem-large 10000] [--mem-db sqlite|postgresql|none] [--profile]

For each database (SQLite: a file in a temporary directory; PostgreSQL: a fresh schema that is
dropped at the end) it creates a campaign with N nominations already `submitted` (bulk-inserted,
not timed), then times

  raw        one `UPDATE nominations SET updated_at=... WHERE id=...` and COMMIT per row,
             through the same engine;
  honorflow  `transitions.fire(uow, id, "begin_review", ADMIN, now)` per row: lock, trigger,
             effects (a review task, its due and reminder deadlines, an outbox row), the
             hash-chained audit event, commit.

and prints both rates and the ratio honorflow/raw. The memory run fires begin_review on
`--mem-large` nominations in one process under tracemalloc and reports the memory still held
after `--mem-small` and after `--mem-large` of them, and the growth per nomination in between
(the machine is shared, so it should be about zero).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import multiprocessing
import os
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, select, update  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bench.scratch import PG_URL, pg_schema  # noqa: E402
from bench.transition_phases import Phases, measure_phases, print_phases  # noqa: E402
from models import Base, Campaign, Nomination, RecommendingUnit  # noqa: E402
from models.db import make_engine, make_session_factory  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow import machine as machine_module  # noqa: E402
from workflow.actors import Actor  # noqa: E402
from workflow.facts import NomineeFacts, PriorHonour, facts_to_json  # noqa: E402
from workflow.services import campaigns, definitions, transitions  # noqa: E402

DEFINITION = ROOT / "config" / "workflows" / "jiangxi-labour-model.yaml"
ADMIN = Actor("bench", "admin")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday the working-day calendar knows
WARMUP = 50


@dataclass(frozen=True)
class Rates:
    db: str
    n: int
    writers: int
    raw: float
    honorflow: float

    @property
    def ratio(self) -> float:
        return self.honorflow / self.raw


@dataclass(frozen=True)
class Memory:
    db: str
    small: int
    large: int
    held_small: int
    held_large: int
    peak: int
    rss_small: int
    rss_large: int

    @property
    def per_nomination(self) -> float:
        return (self.held_large - self.held_small) / (self.large - self.small)


# --- set-up (not timed) -----------------------------------------------------------------------


@dataclass(frozen=True)
class BenchDb:
    """The scratch database: an engine, and how a forked writer opens its own."""

    engine: Engine
    url: str
    connect_args: dict[str, str]


@contextmanager
def database(kind: str) -> Iterator[Engine]:
    """A fresh, empty honorflow schema on SQLite or PostgreSQL, removed afterwards."""
    with bench_database(kind) as db:
        yield db.engine


@contextmanager
def bench_database(kind: str) -> Iterator[BenchDb]:
    """A fresh, empty honorflow schema on SQLite or PostgreSQL, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="honorflow-bench-") as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            engine = make_engine(url)
            Base.metadata.create_all(engine)
            try:
                yield BenchDb(engine, url, {})
            finally:
                engine.dispose()
        return
    with pg_schema("bench") as (engine, schema):
        Base.metadata.create_all(engine)
        yield BenchDb(engine, PG_URL, {"options": f"-csearch_path={schema}"})


def nominee(i: int) -> NomineeFacts:
    return NomineeFacts(
        name=f"候选人{i:06d}",
        birth_date=date(1980, 1, 1) + timedelta(days=i % 5000),
        gender="F" if i % 3 == 0 else "M",
        employer="江铃汽车",
        recommending_unit="南昌市总工会",
        prior_honours=(PriorHonour("南昌市劳动模范", "municipal", 2018),),
        votes_for=90,
        votes_total=100,
        unit_notice_start=date(2025, 11, 3),
        unit_notice_end=date(2025, 11, 10),
    )


def seed(
    sf: sessionmaker[Session], count: int, code: str = "bench", status: str = "submitted"
) -> list[int]:
    """A campaign and `count` nominations in `status` (`submitted` unless told); their ids."""
    if code == "bench":
        with UnitOfWork(sf) as uow:
            definitions.load_definition(uow, DEFINITION, T0)
    with UnitOfWork(sf) as uow:
        campaign_id = campaigns.create_campaign(
            uow,
            code=code,
            title="基准测试",
            definition_name="jiangxi-labour-model",
            reference_date=date(2026, 3, 1),
            submission_deadline=None,
            actor=ADMIN,
            now=T0,
        ).id
    quota = [campaigns.UnitQuota("nc", "南昌市总工会", count, email="nc@example.org")]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, quota, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        unit = uow.session.scalars(select(RecommendingUnit)).one()
        assert campaign is not None
        base = {
            "campaign_id": campaign.id,
            "unit_id": unit.id,
            "definition_id": campaign.definition_id,
            "status": status,
            "rank": "main",
            "employer": "江铃汽车",
            "employer_type": "enterprise",
            "category": "front_line_worker",
            "honour": campaign.honour,
            "summary": "事迹简介",
            "deeds": "",
            "created_at": T0,
            "updated_at": T0,
            "version": 1,
        }
        rows = []
        for i in range(count):
            facts = nominee(i)
            rows.append(
                base
                | {
                    "name": facts.name,
                    "gender": facts.gender,
                    "birth_date": facts.birth_date,
                    "facts": facts_to_json(facts),
                }
            )
        for start in range(0, count, 2000):
            uow.session.execute(insert(Nomination), rows[start : start + 2000])
        uow.commit()
        return list(
            uow.session.scalars(
                select(Nomination.id)
                .where(Nomination.campaign_id == campaign_id)
                .order_by(Nomination.id)
            )
        )


# --- the two loops ------------------------------------------------------------------------------


def raw_update(engine: Engine, ids: list[int]) -> None:
    table = Nomination.__table__
    for i, nomination_id in enumerate(ids):
        with engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == nomination_id)
                .values(updated_at=T0 + timedelta(seconds=i))
            )


def honorflow_fire(sf: sessionmaker[Session], ids: list[int]) -> None:
    for nomination_id in ids:
        with UnitOfWork(sf) as uow:
            transitions.fire(uow, nomination_id, "begin_review", ADMIN, T0)


def timed(run: Callable[[], None]) -> float:
    """Seconds `run` takes."""
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def blocks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def measure_rates(kind: str, n: int, block: int, profile: bool) -> Rates:
    """Both loops over the same rows, alternating in blocks (and which goes first), so that
    a slow spell of the machine (fsync, other load) falls on both sides alike."""
    with bench_database(kind) as db:
        engine = db.engine
        sf = make_session_factory(engine)
        ids = seed(sf, n + WARMUP)
        warm, work = ids[:WARMUP], ids[WARMUP:]
        raw_update(engine, warm)
        honorflow_fire(sf, warm)
        raw_s = flow_s = 0.0
        profiler = cProfile.Profile() if profile else None
        for number, chunk in enumerate(blocks(work, block)):

            def flow(chunk: list[int] = chunk) -> None:
                if profiler is not None:
                    profiler.enable()
                honorflow_fire(sf, chunk)
                if profiler is not None:
                    profiler.disable()

            if number % 2 == 0:
                raw_s += timed(partial(raw_update, engine, chunk))
                flow_s += timed(flow)
            else:
                flow_s += timed(flow)
                raw_s += timed(partial(raw_update, engine, chunk))
        if profiler is not None:
            print_profile(kind, profiler)
        check_done(sf, work)
        return Rates(kind, n, 1, n / raw_s, n / flow_s)


def phase_costs(kind: str, n: int) -> Phases:
    """`n` changes (after the warm-up) with their phases timed: where the client's CPU goes."""
    with bench_database(kind) as db:
        sf = make_session_factory(db.engine)
        ids = seed(sf, n + WARMUP)
        honorflow_fire(sf, ids[:WARMUP])
        work = ids[WARMUP:]
        phases = measure_phases(db.engine, partial(honorflow_fire, sf, work), n)
        check_done(sf, work)
        return phases


# --- several writers at once (processes, one connection each) --------------------------------


def _writer(url: str, connect_args: dict[str, str], side: str, ids: list[int], go: Any) -> None:
    """One writer process: its own engine and connection, waiting for the common start."""
    engine = make_engine(url, connect_args=connect_args) if connect_args else make_engine(url)
    sf = make_session_factory(engine)
    go.wait()
    if side == "raw":
        raw_update(engine, ids)
    else:
        honorflow_fire(sf, ids)
    engine.dispose()


def run_writers(db: BenchDb, side: str, shares: list[list[int]]) -> float:
    """Seconds for one process per share to do its share, all at once."""
    context = multiprocessing.get_context("fork")
    go = context.Barrier(len(shares) + 1)
    procs = [
        context.Process(target=_writer, args=(db.url, db.connect_args, side, share, go))
        for share in shares
    ]
    for proc in procs:
        proc.start()
    go.wait()
    start = time.perf_counter()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    if any(proc.exitcode != 0 for proc in procs):
        raise SystemExit(f"a {side} writer failed")
    return elapsed


def measure_writers(
    kind: str, n: int, block: int, counts: list[int], own_campaigns: bool = False
) -> list[Rates]:
    """Rates with 1 and more writers at once, raw and honorflow alternating per block; with
    `own_campaigns` each writer acts in a campaign of its own (its own audit lane)."""
    with bench_database(kind) as db:
        sf = make_session_factory(db.engine)
        ids = seed(sf, n * len(counts) + WARMUP)
        honorflow_fire(sf, ids[:WARMUP])
        # Campaign k (k >= 1) holds writer k's work; writer 0 works in the first campaign.
        others = [
            seed(sf, n * len(counts), f"bench{k}")
            for k in range(1, max(counts) if own_campaigns else 1)
        ]
        db.engine.dispose()  # the writers are forked: no connection crosses a fork
        rows = []
        work = ids[WARMUP:]
        for index, writers in enumerate(counts):
            mine = work[index * n : (index + 1) * n]
            raw_s = flow_s = 0.0
            for number, chunk in enumerate(blocks(mine, block)):
                sides = ("raw", "flow") if number % 2 == 0 else ("flow", "raw")
                shares = [chunk[w::writers] for w in range(writers)]
                if own_campaigns:  # the same amount of work, each share from its own campaign
                    first = index * n + number * block
                    shares = [shares[0]] + [
                        others[w - 1][first + w : first + len(chunk) : writers]
                        for w in range(1, writers)
                    ]
                for side in sides:
                    seconds = run_writers(db, side, shares)
                    if side == "raw":
                        raw_s += seconds
                    else:
                        flow_s += seconds
            check_done(sf, mine[0::writers] if own_campaigns else mine)
            if own_campaigns:
                for k in range(1, writers):
                    check_done(sf, others[k - 1][index * n : (index + 1) * n][k::writers])
            rows.append(Rates(kind, n, writers, n / raw_s, n / flow_s))
        return rows


def check_done(sf: sessionmaker[Session], ids: list[int]) -> None:
    """Refuse to report a rate for work that did not happen."""
    with UnitOfWork(sf) as uow:
        states = set(uow.session.scalars(select(Nomination.status).where(Nomination.id.in_(ids))))
    if states != {"qualification"}:
        raise SystemExit(f"benchmark fired begin_review but found states {states}")


def print_profile(kind: str, profiler: cProfile.Profile) -> None:
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order)
        stats.print_stats(25)
        print(f"\n--- cProfile of the honorflow loop on {kind}, by {order} ---")
        print(out.getvalue())


# --- memory ---------------------------------------------------------------------------------


def rss_kib() -> int:
    """Current resident set size in KiB (Linux), else the peak."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") // 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def held() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def measure_memory(kind: str, small: int, large: int) -> Memory:
    with bench_database(kind) as db:
        sf = make_session_factory(db.engine)
        ids = seed(sf, large + WARMUP)
        # Warm every cache (definition, machine, compiled SQL) before counting.
        honorflow_fire(sf, ids[:WARMUP])
        work = ids[WARMUP:]
        tracemalloc.start()
        base = held()
        honorflow_fire(sf, work[:small])
        held_small, rss_small = held() - base, rss_kib()
        honorflow_fire(sf, work[small:large])
        held_large, rss_large = held() - base, rss_kib()
        peak = tracemalloc.get_traced_memory()[1] - base
        tracemalloc.stop()
        check_done(sf, work)
        machines = len(machine_module._CACHE)
        if machines != 1:
            raise SystemExit(f"expected one shared machine, found {machines}")
        return Memory(kind, small, large, held_small, held_large, peak, rss_small, rss_large)


# --- report --------------------------------------------------------------------------------------


def print_rates(rows: list[Rates]) -> None:
    print("\nTransition throughput (begin_review: lock, guards, task + deadlines + outbox, audit)")
    print("raw = UPDATE nominations SET updated_at + COMMIT per row, SQLAlchemy Core, same engine;")
    print("the two alternate in blocks; writers = processes at once, one connection each")
    print(
        f"{'database':<11} {'N':>6} {'writers':>7} {'raw ops/s':>10} {'honorflow ops/s':>16}"
        f" {'ratio':>6}"
    )
    for r in rows:
        print(
            f"{r.db:<11} {r.n:>6} {r.writers:>7} {r.raw:>10.0f} {r.honorflow:>16.0f}"
            f" {r.ratio:>6.2f}"
        )


def print_scaling(rows: list[Rates]) -> None:
    """How the rate grows from one writer process to several (the same run's rows)."""
    one = next(r for r in rows if r.writers == 1)
    for r in rows:
        if r.writers > 1:
            print(
                f"{r.db}: {r.writers} writers / 1: raw {r.raw / one.raw:.2f}x,"
                f" honorflow {r.honorflow / one.honorflow:.2f}x"
            )


def print_memory(m: Memory) -> None:
    print(f"\nMemory held under tracemalloc while firing begin_review ({m.db}, one process)")
    print(f"{'nominations':>12} {'held (bytes)':>14} {'RSS (KiB)':>10}")
    print(f"{m.small:>12} {m.held_small:>14} {m.rss_small:>10}")
    print(f"{m.large:>12} {m.held_large:>14} {m.rss_large:>10}")
    print(f"growth between them: {m.per_nomination:.1f} bytes per nomination processed")
    print(f"tracemalloc peak above the start: {m.peak} bytes; shared machines built: 1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=2000, help="transitions timed per database")
    parser.add_argument("--mem-small", type=int, default=1000)
    parser.add_argument("--mem-large", type=int, default=10000)
    parser.add_argument("--mem-db", choices=["sqlite", "postgresql", "none"], default="sqlite")
    parser.add_argument("--block", type=int, default=100, help="rows per alternating block")
    parser.add_argument(
        "--writers",
        default="1,4",
        help="writer processes to compare on PostgreSQL, e.g. 1,4 ('' for none)",
    )
    parser.add_argument("--writers-n", type=int, default=2000, help="transitions per writer run")
    parser.add_argument(
        "--writer-campaigns",
        action="store_true",
        help="each writer acts in a campaign of its own (its own audit lane)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the honorflow loop")
    parser.add_argument(
        "--phases",
        action="store_true",
        help="also print the client CPU per phase of a change, and statements per change",
    )
    args = parser.parse_args(argv)
    if args.mem_large <= args.mem_small:
        parser.error("--mem-large must be larger than --mem-small")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(
        f"honorflow transition benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"python {sys.version.split()[0]}"
    )
    rates = [measure_rates(kind, args.n, args.block, args.profile) for kind in kinds]
    if args.phases:
        for kind in kinds:
            print_phases(kind, phase_costs(kind, args.n))
    counts = [int(c) for c in args.writers.split(",") if c.strip()]
    scaling = []
    if counts and "postgresql" in kinds:
        scaling = measure_writers(
            "postgresql", args.writers_n, args.block, sorted(counts), args.writer_campaigns
        )
    print_rates(rates + scaling)
    if 1 in counts and len(counts) > 1:
        print_scaling(scaling)
    if args.mem_db != "none":
        print_memory(measure_memory(args.mem_db, args.mem_small, args.mem_large))


if __name__ == "__main__":
    main()
