"""Exporting the 汇总表 of a campaign of 10,000 recommended nominees to XLSX.

Run by hand (not a test):

    .venv/bin/python bench/bench_exports.py [--db sqlite|postgresql] [--n 10000] [--repeat 3]

Set-up (not timed): a migrated database (a temporary SQLite file, or a fresh PostgreSQL
schema at HONORFLOW_BENCH_PG_URL, dropped at the end), the Jiangxi definition, one campaign
with 20 units and `--n` nominations in the states after submission (one in ten an
alternate), as `bench_office_list.py` seeds them.

Timed, `--repeat` times: `exports.export(uow, admin, campaign, "summary", now)` in a unit of
work of its own, as `honorflow export` and the API run it — the visibility clause, the read,
masking, the composition rules over the set, and the workbook written in openpyxl's
write-only mode. Then once more under tracemalloc for the peak of Python memory. It prints
the time per thousand rows and the peak, and exits 1 unless the file holds `--n` rows.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402
from sqlalchemy import Engine, insert, select, text  # noqa: E402

from bench.bench_office_list import ADMIN, DEFINITION, T0, _row, database  # noqa: E402
from models import Campaign, Nomination, RecommendingUnit  # noqa: E402
from models.db import make_session_factory  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow.exports.sheet import write_book  # noqa: E402
from workflow.exports.summary import summary_sheet  # noqa: E402
from workflow.queries.campaigns import composition_for  # noqa: E402
from workflow.queries.recommended import recommended  # noqa: E402
from workflow.services import campaigns, definitions, exports  # noqa: E402

LIVE = ("submitted", "qualification", "joint_review", "inspection", "public_notice", "committee")


def seed(engine: Engine, count: int, rng: random.Random) -> int:
    """The campaign and `count` recommended nominations; returns the campaign id."""
    sf = make_session_factory(engine)
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, DEFINITION, T0)
    with UnitOfWork(sf) as uow:
        campaign_id = campaigns.create_campaign(
            uow, code="bench", title="基准测试", definition_name="jiangxi-labour-model",
            reference_date=T0.date(), submission_deadline=None, actor=ADMIN, now=T0,
        ).id  # fmt: skip
    quota = [campaigns.UnitQuota(f"u{i:02d}", f"第{i + 1}推荐单位", count) for i in range(20)]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, quota, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        units = list(uow.session.scalars(select(RecommendingUnit.id)))
        rows = []
        for i in range(count):
            row = _row(campaign, units, i, rng)
            alternate = i % 10 == 9
            row.update(status=rng.choice(LIVE), rank="alternate" if alternate else "main",
                       alternate_order=i // 10 % 5 + 1 if alternate else None)  # fmt: skip
            rows.append(row)
        for start in range(0, count, 2000):
            uow.session.execute(insert(Nomination), rows[start : start + 2000])
        uow.commit()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return campaign_id


def export_once(engine: Engine, campaign_id: int) -> exports.ExportFile:
    with UnitOfWork(make_session_factory(engine)) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        return exports.export(uow, ADMIN, campaign, "summary", T0)


def breakdown(engine: Engine, campaign_id: int) -> dict[str, float]:
    """Seconds spent reading the rows, evaluating the composition rules, writing the book."""
    spent: dict[str, float] = {}
    with UnitOfWork(make_session_factory(engine)) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        start = time.perf_counter()
        rows = recommended(uow, ADMIN, campaign)
        spent["read"] = time.perf_counter() - start
        start = time.perf_counter()
        _, results = composition_for(uow, ADMIN, campaign, "submitted")
        spent["composition"] = time.perf_counter() - start
        start = time.perf_counter()
        write_book([summary_sheet(campaign, None, rows, results, T0, "zh-CN")])
        spent["write"] = time.perf_counter() - start
    return spent


def data_rows(data: bytes) -> int:
    """The rows under the header before the foot (a blank row ends them)."""
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    count = 0
    for row in ws.iter_rows(min_row=4, max_col=3, values_only=True):
        if row[0] is None:
            break
        count += 1
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with database(args.db) as engine:
        campaign_id = seed(engine, args.n, random.Random(12))
        export_once(engine, campaign_id)  # warm: definition parsed, statements compiled
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = export_once(engine, campaign_id)
            times.append(time.perf_counter() - start)
        spent = breakdown(engine, campaign_id)
        tracemalloc.start()
        export_once(engine, campaign_id)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rows = data_rows(done.data)
    median = statistics.median(times)
    print(f"database {args.db}, {rows} rows, file {len(done.data) / 1024:.0f} KiB")
    print(f"export: median {median:.2f} s of {args.repeat} "
          f"({median / rows * 1000:.3f} s per 1,000 rows), min {min(times):.2f} s")  # fmt: skip
    print("of one export: " + ", ".join(f"{k} {v:.2f} s" for k, v in spent.items()))
    print(f"peak Python memory (tracemalloc): {peak / 2**20:.1f} MiB")
    return 0 if rows == args.n == done.rows else 1


if __name__ == "__main__":
    sys.exit(main())
