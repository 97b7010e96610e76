"""The official notice of N names as PDF: the read, the HTML and WeasyPrint, per thousand names.

Run by hand (not a test):

    .venv/bin/python bench/bench_notice_pdf.py [--db sqlite|postgresql] [--n 3000] [--repeat 3]

Set-up (not timed): a database built by the Alembic migrations (a temporary SQLite file, or a
fresh PostgreSQL schema at HONORFLOW_BENCH_PG_URL, dropped at the end), the Jiangxi definition,
one campaign with its office set, 20 units and `--n` nominations under the public notice, each
with its notice_end deadline.

Timed, `--repeat` times (the best and the median are printed):

  read  `workflow.queries.notice.notice_document` in a unit of work: the rows, the period
        from the deadlines and the working-day calendar, the groups;
  html  `documents.render.notice_html`: the same template the public page includes;
  pdf   `documents.render.pdf`: WeasyPrint lays it out on A4 and embeds the CJK glyphs used
        (its wall-clock time, and its CPU time apart: on a shared machine the two differ).

It checks that the document names all N and that the PDF's text (pdftotext, when installed)
holds every name, and exits non-zero otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, select  # noqa: E402

from bench.scratch import pg_schema  # noqa: E402
from documents import render as documents  # noqa: E402
from models import Campaign, Deadline, Nomination, RecommendingUnit  # noqa: E402
from models.db import make_engine, make_session_factory  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow.actors import Actor  # noqa: E402
from workflow.campaign_office import OfficeInput  # noqa: E402
from workflow.facts import NomineeFacts, facts_to_json  # noqa: E402
from workflow.queries.notice import notice_document  # noqa: E402
from workflow.services import campaigns, definitions  # noqa: E402

DEFINITION = ROOT / "config" / "workflows" / "jiangxi-labour-model.yaml"
ADMIN = Actor("admin", "admin")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
END = datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # Tuesday 10 March 00:00 Beijing time
OFFICE = OfficeInput(
    office_name="江西省功勋荣誉表彰工作领导小组办公室",
    office_phone="0791-86123456",
    office_address="江西省南昌市卧龙路999号",
    office_postcode="330038",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
EMPLOYERS = (
    "江铃汽车集团有限公司焊装车间焊工",
    "南昌大学第一附属医院主任医师",
    "赣州市快递网点快递员",
)


@contextmanager
def database(kind: str) -> Iterator[Engine]:
    """A migrated, empty database of the kind asked for, removed afterwards."""
    if kind == "postgresql":
        with pg_schema("bench_notice") as (engine, _schema):
            upgrade(engine)
            yield engine
        return
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        yield engine
        engine.dispose()


def seed(engine: Engine, count: int) -> int:
    """The campaign, its office and `count` nominees under notice; returns the campaign id."""
    sf = make_session_factory(engine)
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, DEFINITION, T0)
    with UnitOfWork(sf) as uow:
        campaign_id = campaigns.create_campaign(
            uow, code="bench", title="2026年江西省劳动模范和先进工作者评选",
            definition_name="jiangxi-labour-model", reference_date=date(2026, 3, 1),
            submission_deadline=None, actor=ADMIN, now=T0,
            office=OFFICE,
        ).id  # fmt: skip
    codes = [f"u{i:02d}" for i in range(20)]
    quota = [campaigns.UnitQuota(c, f"第{i + 1}设区市总工会", count) for i, c in enumerate(codes)]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, quota, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        units = list(uow.session.scalars(select(RecommendingUnit.id)))
        rows = [_row(campaign, units, i) for i in range(count)]
        for start in range(0, count, 2000):
            uow.session.execute(insert(Nomination), rows[start : start + 2000])
        ids = list(uow.session.scalars(select(Nomination.id)))
        ends = [_deadline(campaign_id, nid) for nid in ids]
        for start in range(0, count, 2000):
            uow.session.execute(insert(Deadline), ends[start : start + 2000])
        uow.commit()
    return campaign_id


def _row(campaign: Campaign, units: list[int], i: int) -> dict[str, Any]:
    name = f"{SURNAMES[i % len(SURNAMES)]}{i}号"
    facts = NomineeFacts(
        name=name, birth_date=date(1970, 1, 1) + timedelta(days=i), gender="MF"[i % 2],
        ethnicity="汉族" if i % 10 else "回族", employer=EMPLOYERS[i % 3],
        category="front_line_worker", votes_for=90, votes_total=100,
    )  # fmt: skip
    return {
        "campaign_id": campaign.id, "unit_id": units[i % len(units)],
        "definition_id": campaign.definition_id, "status": "public_notice", "rank": "main",
        "name": name, "gender": facts.gender, "birth_date": facts.birth_date,
        "category": "front_line_worker", "employer": facts.employer,
        "employer_type": "enterprise", "honour": campaign.honour, "facts": facts_to_json(facts),
        "summary": "", "deeds": "", "stage_entered_at": T0, "created_at": T0, "updated_at": T0,
        "version": 1,
    }  # fmt: skip


def _deadline(campaign_id: int, nomination_id: int) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id, "nomination_id": nomination_id, "kind": "notice_end",
        "stage": "public_notice", "due_at": END, "status": "pending", "created_at": T0,
        "attempts": 0,
    }  # fmt: skip


def run(kind: str, count: int, repeat: int) -> int:
    """Time the three steps; 0 when the document and the PDF hold every name."""
    with database(kind) as engine:
        campaign_id = seed(engine, count)
        sf = make_session_factory(engine)
        times: dict[str, list[float]] = {"read": [], "html": [], "pdf": [], "pdf cpu": []}
        for _ in range(repeat):
            began = time.perf_counter()
            with UnitOfWork(sf) as uow:
                doc = notice_document(uow, uow.session.get_one(Campaign, campaign_id))
                read = time.perf_counter()
                html = documents.notice_html(doc)
            made, cpu = time.perf_counter(), time.process_time()
            data = documents.pdf.__wrapped__(html)  # past the cache: each run lays it out
            done, cpu_done = time.perf_counter(), time.process_time()
            steps = (read - began, made - read, done - made, cpu_done - cpu)
            for step, seconds in zip(times, steps, strict=True):
                times[step].append(seconds)
        names = [line.name for g in doc.groups for line in g.lines]
    return report(kind, count, times, names, data)


def report(kind: str, count: int, times: dict[str, list[float]], names: list[str],
           data: bytes) -> int:  # fmt: skip
    """Print the table; check the names."""
    # Wall-clock read + html + pdf; the PDF's CPU time is shown apart (a loaded machine
    # stretches the wall clock, not the CPU time).
    total = [r + h + p for r, h, p in zip(times["read"], times["html"], times["pdf"], strict=True)]
    print(f"Notice of {count} names to PDF on {kind} ({len(total)} runs; {len(data) >> 10} KiB)")
    print(f"{'step':<7} {'best s':>8} {'median s':>9} {'s per 1000':>11}")
    for step, values in [*times.items(), ("total", total)]:
        best, median = min(values), statistics.median(values)
        print(f"{step:<7} {best:>8.2f} {median:>9.2f} {median / count * 1000:>11.2f}")
    if len(names) != count:
        print(f"error: the document names {len(names)}, not {count}", file=sys.stderr)
        return 1
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode("utf-8")
        missing = [n for n in names if n not in text]
        pages = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True).stdout
        print(next((line.decode() for line in pages.splitlines() if b"Pages" in line), ""))
        if missing:
            print(f"error: {len(missing)} names missing from the PDF", file=sys.stderr)
            return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    return run(args.db, args.n, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
