"""What a stage entry pays for the working-day calendar: `load_calendar` (overrides and the
loaded years' digests, one query) and a due date with two reminders, per unit of work.

    .venv/bin/python bench/bench_calendar_lookup.py [--db sqlite|postgresql|both] [--n 400]

Prints microseconds per stage entry (best of 3 rounds) without and with a loaded year, and
exits 1 if the loaded year was not used.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, text

from models import Base
from models.db import make_engine, make_session_factory
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.services.calendar import load_year
from workflow.step import load_calendar

PG_URL = os.environ.get(
    "HONORFLOW_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
START = datetime(2026, 3, 2, 1, tzinfo=UTC)
YEAR = "year: 2027\nholidays:\n  - {name: 春节, from: 2027-02-06, to: 2027-02-14}\nworkdays: []\n"


SCHEMA = f"bench_{uuid.uuid4().hex[:8]}"


def _engine(kind: str, folder: Path) -> Engine:
    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    else:
        with make_engine(PG_URL).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={SCHEMA}"})
    Base.metadata.create_all(engine)
    return engine


def _per_entry(sf: object, n: int) -> float:
    best = []
    for _ in range(3):
        began = time.perf_counter()
        for _ in range(n):
            with UnitOfWork(sf) as uow:  # type: ignore[arg-type]
                calendar = load_calendar(uow)
                due = calendar.add_working_days(START, 10)
                calendar.working_days_before(due, 3)
                calendar.working_days_before(due, 1)
        best.append((time.perf_counter() - began) / n * 1e6)
    return min(best)


def run(kind: str, n: int) -> bool:
    """Time one database without and with a loaded year; False if the year went unused."""
    with tempfile.TemporaryDirectory() as folder:
        engine = _engine(kind, Path(folder))
        sf = make_session_factory(engine)
        _per_entry(sf, 20)  # warm compiled statements and caches
        without = _per_entry(sf, n)
        with UnitOfWork(sf) as uow:
            load_year(uow, YEAR, "bench.yaml", Actor("bench", "admin"), START)
        loaded = _per_entry(sf, n)
        with UnitOfWork(sf) as uow:
            used = load_calendar(uow).is_working_day(date(2027, 2, 8)) is False
        engine.dispose()
    if kind == "postgresql":
        with make_engine(PG_URL).begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{SCHEMA}" CASCADE'))
    print(f"{kind:10}  no year loaded {without:7.0f} µs   one year loaded {loaded:7.0f} µs")
    return used


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--n", type=int, default=400)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    sys.exit(0 if all([run(kind, args.n) for kind in kinds]) else 1)


if __name__ == "__main__":
    main()
