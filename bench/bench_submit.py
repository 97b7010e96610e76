"""The cost of a unit's submit when the unit already holds 50 or 5,000 nominees.

Run by hand (not a test):

    .venv/bin/python bench/bench_submit.py [--db sqlite|postgresql|both] [--k 200]
        [--small 50] [--large 5000] [--block 20]

For each database (SQLite: a file in a temporary directory; PostgreSQL: a fresh schema that is
dropped at the end) it builds, not timed, one campaign of `jiangxi-labour-model.yaml` in its
recommendation phase with two units of the same places: one already holding `--small` live
main nominees, the other `--large` (bulk-inserted, `submitted`), and `--k` drafts in each
(plus a warm-up). Then it times, in alternating blocks of `--block`,

  small      `transitions.fire(uow, id, "submit", clerk, now)` in the small unit;
  large      the same in the large unit;
  raw        one `UPDATE nominations SET updated_at=... WHERE id=...` and COMMIT per row,
             through the same engine (the floor for one committed change);

and prints ms per submit at both sizes, the raw ms per row, and the ratio large/small (the
goal is about 1.0: the place and unit checks count with indexed aggregates, they do not read
the unit's nominees). PostgreSQL is vacuumed and analysed after the load (as autovacuum would);
SQLite is not analysed (honorflow never does). It also prints the statements one submit runs
in each unit and the most rows any of them returned, and exits 1 unless every timed draft
ended `submitted`.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event, insert, select, update  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bench.bench_transitions import database, nominee  # noqa: E402
from models import Campaign, Nomination, RecommendingUnit  # noqa: E402
from models.db import make_session_factory  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow.actors import Actor  # noqa: E402
from workflow.facts import facts_to_json  # noqa: E402
from workflow.services import campaigns, definitions, transitions  # noqa: E402

DEFINITION = ROOT / "config" / "workflows" / "jiangxi-labour-model.yaml"
ADMIN = Actor("bench", "admin")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday the working-day calendar knows
WARMUP = 20


@dataclass(frozen=True)
class Unit:
    code: str
    held: int
    drafts: list[int]  # warm-up first, then the timed ones

    @property
    def clerk(self) -> Actor:
        return Actor(f"clerk-{self.code}", "unit_clerk", unit_code=self.code)


@dataclass(frozen=True)
class Result:
    db: str
    small: int
    large: int
    k: int
    ms_small: float
    ms_large: float
    ms_raw: float
    statements: tuple[int, int]
    most_rows: tuple[int, int]

    @property
    def ratio(self) -> float:
        return self.ms_large / self.ms_small


# --- set-up (not timed) -----------------------------------------------------------------------


def make_campaign(sf: sessionmaker[Session], units: dict[str, int]) -> int:
    """A campaign in its recommendation phase with units of `places` places each."""
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, DEFINITION, T0)
    with UnitOfWork(sf) as uow:
        campaign_id = campaigns.create_campaign(
            uow,
            code="bench",
            title="基准测试",
            definition_name="jiangxi-labour-model",
            reference_date=date(2026, 3, 1),
            submission_deadline=None,
            actor=ADMIN,
            now=T0,
        ).id
    quota = [
        campaigns.UnitQuota(code, f"单位{code}", places, email=f"{code}@example.org")
        for code, places in units.items()
    ]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, quota, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0, to="recommendation")
    return campaign_id


def fill(sf: sessionmaker[Session], campaign_id: int, code: str, held: int, drafts: int) -> Unit:
    """Bulk-insert `held` submitted main nominees and `drafts` drafts into one unit."""
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        unit = uow.session.scalars(
            select(RecommendingUnit).where(RecommendingUnit.code == code)
        ).one()
        assert campaign is not None
        base = {
            "campaign_id": campaign.id,
            "unit_id": unit.id,
            "definition_id": campaign.definition_id,
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
        for i in range(held + drafts):
            facts = nominee(i)
            status = "submitted" if i < held else "draft"
            rows.append(
                base
                | {
                    "status": status,
                    "name": facts.name,
                    "gender": facts.gender,
                    "birth_date": facts.birth_date,
                    "facts": facts_to_json(facts),
                }
            )
        for start in range(0, len(rows), 2000):
            uow.session.execute(insert(Nomination), rows[start : start + 2000])
        uow.commit()
        ids = list(
            uow.session.scalars(
                select(Nomination.id)
                .where(Nomination.unit_id == unit.id, Nomination.status == "draft")
                .order_by(Nomination.id)
            )
        )
    return Unit(code, held, ids)


def settle(engine: Engine) -> None:
    """PostgreSQL: vacuum and analyse, as autovacuum would after the bulk load.

    SQLite is left as honorflow leaves it (it never runs ANALYZE, so it plans without
    statistics).
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) nominations")


# --- the loops ------------------------------------------------------------------------------


def submit(sf: sessionmaker[Session], unit: Unit, ids: list[int]) -> None:
    for nomination_id in ids:
        with UnitOfWork(sf) as uow:
            transitions.fire(uow, nomination_id, "submit", unit.clerk, T0)


def raw_update(engine: Engine, ids: list[int]) -> None:
    for i, nomination_id in enumerate(ids):
        with engine.begin() as conn:
            conn.execute(
                update(Nomination)
                .where(Nomination.id == nomination_id)
                .values(updated_at=T0 + timedelta(seconds=i))
            )


def seconds(run: Callable[[], None]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def probe(
    engine: Engine, sf: sessionmaker[Session], unit: Unit, nomination_id: int
) -> tuple[int, int]:
    """The statements one submit runs and the most rows any of them returned."""
    statements = 0
    most = 0

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal statements
        statements += 1

    def after_exec(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal most
        if statement.lstrip().upper().startswith("SELECT"):
            # sqlite3 gives no row count for a SELECT: run it again and count what it returns.
            most = max(most, _rows_of(conn, statement, args[0]))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after_exec)
    try:
        submit(sf, unit, [nomination_id])
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after_exec)
    return statements, most


def _rows_of(conn: Any, statement: str, parameters: Any) -> int:
    """Run a SELECT again on the same DBAPI connection and count its rows (probe only)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(statement, parameters)
        return len(cursor.fetchall())
    finally:
        cursor.close()


def measure(kind: str, small: int, large: int, k: int, block: int) -> Result:
    with database(kind) as engine:
        sf = make_session_factory(engine)
        places = large + k + WARMUP + 10
        campaign_id = make_campaign(sf, {"s": places, "l": places})
        units = {
            "small": fill(sf, campaign_id, "s", small, k + WARMUP + 1),
            "large": fill(sf, campaign_id, "l", large, k + WARMUP + 1),
        }
        settle(engine)
        for unit in units.values():
            submit(sf, unit, unit.drafts[:WARMUP])
        raw_ids = units["small"].drafts[WARMUP : WARMUP + k]  # rows are touched, not moved
        raw_update(engine, raw_ids[:WARMUP])
        spent = {"small": 0.0, "large": 0.0, "raw": 0.0}
        for turn, start in enumerate(range(WARMUP, WARMUP + k, block)):
            end = min(start + block, WARMUP + k)
            runs: list[tuple[str, Callable[[], None]]] = [
                (name, lambda u=unit, i=unit.drafts[start:end]: submit(sf, u, i))  # type: ignore[misc]
                for name, unit in units.items()
            ]
            rows = raw_ids[start - WARMUP : end - WARMUP]
            runs.append(("raw", lambda r=rows: raw_update(engine, r)))  # type: ignore[misc]
            # Blocks alternate, and so does which side goes first in a block.
            for name, run in runs[turn % 3 :] + runs[: turn % 3]:
                spent[name] += seconds(run)
        check_done(sf, [i for u in units.values() for i in u.drafts[WARMUP : WARMUP + k]])
        probes = [probe(engine, sf, u, u.drafts[-1]) for u in units.values()]
        return Result(
            kind,
            small,
            large,
            k,
            spent["small"] * 1000 / k,
            spent["large"] * 1000 / k,
            spent["raw"] * 1000 / k,
            (probes[0][0], probes[1][0]),
            (probes[0][1], probes[1][1]),
        )


def check_done(sf: sessionmaker[Session], ids: list[int]) -> None:
    """Refuse to report a cost for work that did not happen."""
    with UnitOfWork(sf) as uow:
        states = set(uow.session.scalars(select(Nomination.status).where(Nomination.id.in_(ids))))
    if states != {"submitted"}:
        raise SystemExit(f"benchmark fired submit but found states {states}")


def print_results(rows: list[Result]) -> None:
    print("\nSubmit cost by the unit's size (raw = one UPDATE + COMMIT per row, same engine)")
    print(
        f"{'database':<11} {'K':>4} {'raw ms':>7} {'ms @small':>10} {'ms @large':>10} "
        f"{'large/small':>12} {'statements':>11} {'most rows':>10}"
    )
    for r in rows:
        sizes = f"{r.small}/{r.large}"
        print(
            f"{r.db:<11} {r.k:>4} {r.ms_raw:>7.2f} {r.ms_small:>10.2f} {r.ms_large:>10.2f} "
            f"{r.ratio:>12.2f} {r.statements[0]:>5}/{r.statements[1]:<5} "
            f"{r.most_rows[0]:>4}/{r.most_rows[1]:<5}  (sizes {sizes})"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--k", type=int, default=200, help="submits timed per unit")
    parser.add_argument("--small", type=int, default=50, help="nominees already in the small unit")
    parser.add_argument("--large", type=int, default=5000, help="nominees in the large unit")
    parser.add_argument("--block", type=int, default=20, help="submits per alternating block")
    args = parser.parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(
        f"honorflow submit benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"python {sys.version.split()[0]}"
    )
    results = [measure(kind, args.small, args.large, args.k, args.block) for kind in kinds]
    print_results(results)


if __name__ == "__main__":
    main()
