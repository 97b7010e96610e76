"""The working team's nominations list (the office page's query) beside the bare SQL.

Run by hand (not a test):

    .venv/bin/python bench/bench_office_list.py [--db sqlite|postgresql] [--n 10000]
        [--filters 50] [--repeat 20] [--seed 9]

Set-up (not timed): a database built by the Alembic migrations (a temporary SQLite file, or a
fresh PostgreSQL schema at HONORFLOW_BENCH_PG_URL, dropped at the end), the Jiangxi
definition, one campaign with 20 units and `--n` nominations spread over the states the
working team sees and the rest, ten categories, gig workers, women, minorities, people with
disabilities, and employers with `%` and `_` in their names; ANALYZE.

Timed, per filter, `--repeat` times, alternating the two so that load affects both:

  service  `search_nominations(uow, team, NominationFilter.from_query(...))` in a unit of
           work of its own, as the page and the API run it: the visibility clause, the
           filter, the order, one page and the total;
  bare     the same question as two hand-written statements (page, then count) through the
           DBAPI connection: the team's visible states, the same WHERE, ORDER BY, LIMIT and
           OFFSET.

`--filters` filters are drawn with a fixed seed from stage, unit, category, flag, search
(name or employer, with wildcards), sort and page. It checks that both return the same ids and
total, and prints the median and p99 of each side and their ratio. The failing-rule filter is
timed apart (service only: the bare SQL cannot run a rule), as the share of its time that the
rule takes over the candidates.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, insert, select, text  # noqa: E402

from bench.scratch import pg_schema  # noqa: E402
from models import Campaign, Nomination, RecommendingUnit  # noqa: E402
from models.db import make_engine, make_session_factory  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow.actors import Actor  # noqa: E402
from workflow.facts import NomineeFacts, facts_to_json  # noqa: E402
from workflow.queries.nomination_search import NominationFilter, search_nominations  # noqa: E402
from workflow.services import campaigns, definitions  # noqa: E402
from workflow.services.definitions import definition_of  # noqa: E402
from workflow.stages.registry import team_states  # noqa: E402
from workflow.vocabulary import CATEGORIES  # noqa: E402

DEFINITION = ROOT / "config" / "workflows" / "jiangxi-labour-model.yaml"
ADMIN = Actor("admin", "admin")
TEAM = Actor("专班", "team_reviewer", department="working_team")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
EMPLOYERS = ("江铃汽车", "南昌大学", "赣州稀土", "快递_网点", "百分%物流", "ACME Steel", "上饶钢厂")
STATES = ("draft", "submitted", "qualification", "joint_review", "inspection",
          "public_notice", "committee", "awarded", "withdrawn", "vetoed")  # fmt: skip


@contextmanager
def database(kind: str) -> Iterator[Engine]:
    """A migrated, empty database of the kind asked for, removed afterwards."""
    if kind == "postgresql":
        with pg_schema("bench_office") as (engine, _schema):
            upgrade(engine)
            yield engine
        return
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        upgrade(engine)
        yield engine
        engine.dispose()


def seed(engine: Engine, count: int, rng: random.Random) -> tuple[int, list[str]]:
    """The campaign and `count` nominations; returns the campaign id and the unit codes."""
    sf = make_session_factory(engine)
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, DEFINITION, T0)
    with UnitOfWork(sf) as uow:
        campaign_id = campaigns.create_campaign(
            uow, code="bench", title="基准测试", definition_name="jiangxi-labour-model",
            reference_date=date(2026, 3, 1), submission_deadline=None, actor=ADMIN, now=T0,
        ).id  # fmt: skip
    codes = [f"u{i:02d}" for i in range(20)]
    quota = [campaigns.UnitQuota(c, f"第{i + 1}推荐单位", count) for i, c in enumerate(codes)]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, quota, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        units = list(uow.session.scalars(select(RecommendingUnit.id)))
        rows = [_row(campaign, units, i, rng) for i in range(count)]
        for start in range(0, count, 2000):
            uow.session.execute(insert(Nomination), rows[start : start + 2000])
        uow.commit()
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return campaign_id, codes


def _row(campaign: Campaign, units: list[int], i: int, rng: random.Random) -> dict[str, Any]:
    category = rng.choice(tuple(CATEGORIES))
    facts = NomineeFacts(
        name=f"{rng.choice(SURNAMES)}{i}号", birth_date=date(1970, 1, 1) + timedelta(days=i),
        gender=rng.choice("MMF"), ethnicity="汉族" if rng.random() < 0.9 else "回族",
        employer=rng.choice(EMPLOYERS), category=category,
        gig_worker=category == "gig_worker" or rng.random() < 0.05,
        disability=rng.random() < 0.03, migrant_worker=rng.random() < 0.1,
        votes_for=90, votes_total=100,
    )  # fmt: skip
    moment = T0 + timedelta(minutes=rng.randrange(100_000))
    return {
        "campaign_id": campaign.id, "unit_id": rng.choice(units),
        "definition_id": campaign.definition_id, "status": rng.choice(STATES), "rank": "main",
        "name": facts.name, "gender": facts.gender, "birth_date": facts.birth_date,
        "category": category, "employer": facts.employer, "employer_type": "enterprise",
        "honour": campaign.honour, "facts": facts_to_json(facts), "summary": "", "deeds": "",
        "stage_entered_at": moment, "created_at": T0, "updated_at": moment, "version": 1,
    }  # fmt: skip


def draw_filters(rng: random.Random, codes: list[str], count: int) -> list[list[tuple[str, str]]]:
    """`count` filters: each key present with some chance, the values drawn from the data."""
    choices: dict[str, Callable[[], str]] = {
        "stage": lambda: rng.choice(("submitted", "qualification", "public_notice")),
        "unit": lambda: rng.choice(codes),
        "category": lambda: rng.choice(tuple(CATEGORIES)),
        "flag": lambda: rng.choice(("gig_worker", "female", "minority", "disability")),
        "q": lambda: rng.choice(("王", "1", "江铃", "%", "_", "acme", "号")),
        "sort": lambda: rng.choice(("name", "-updated", "unit", "stage", "-name", "entered")),
        "page": lambda: str(rng.randint(1, 3)),
        "size": lambda: rng.choice(("20", "50", "200")),
    }
    drawn = []
    for _ in range(count):
        pairs = [("campaign", "bench")]
        pairs += [(k, pick()) for k, pick in choices.items() if rng.random() < 0.45]
        drawn.append(pairs)
    return drawn


UNIT_CODE = "(SELECT code FROM recommending_units u WHERE u.id = n.unit_id)"
ORDER = {
    "id": "n.id", "name": "n.name", "stage": "n.status", "entered": "n.stage_entered_at",
    "updated": "n.updated_at", "unit": UNIT_CODE,
}  # fmt: skip


def bare_sql(
    f: NominationFilter, kind: str, campaign: Campaign, states: list[str]
) -> tuple[str, str, list[Any]]:
    """The page and the count as hand-written SQL with positional parameters.

    The team's sight is what `access.visibility` says: the states its stages own in the
    nomination's definition version, or a task of the team's.
    """
    mark = "%s" if kind == "postgresql" else "?"
    where = [
        f"((n.definition_id = {mark} AND n.status IN ({', '.join(mark for _ in states)})) "
        f"OR n.id IN (SELECT nomination_id FROM review_tasks "
        f"WHERE department = {mark} AND role = {mark}))",
        f"n.campaign_id = {mark}",
    ]
    args: list[Any] = [campaign.definition_id, *states, "working_team", "team_reviewer"]
    args.append(campaign.id)
    if f.stage:
        where.append(f"n.status = {mark}")
        args.append(f.stage)
    if f.unit:
        where.append(f"n.unit_id IN (SELECT id FROM recommending_units WHERE code = {mark})")
        args.append(f.unit)
    if f.category:
        where.append(f"n.category = {mark}")
        args.append(f.category)
    for flag in f.flags:
        where.append(_flag_sql(flag, kind))
    if f.q:
        like = "%" + f.q.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
        where.append(f"(lower(n.name) LIKE lower({mark}) ESCAPE '/' OR "
                     f"lower(n.employer) LIKE lower({mark}) ESCAPE '/')")  # fmt: skip
        args += [like, like]
    clause = " AND ".join(where)
    column = ORDER[f.sort.lstrip("-")]
    way = "DESC" if f.sort.startswith("-") else "ASC"
    limit, offset = f.size, (f.page - 1) * f.size
    rows = (f"SELECT n.id FROM nominations n WHERE {clause} ORDER BY {column} {way}, n.id {way} "
            f"LIMIT {limit} OFFSET {offset}")  # fmt: skip
    return rows, f"SELECT count(*) FROM nominations n WHERE {clause}", args


def _flag_sql(flag: str, kind: str) -> str:
    if flag == "female":
        return "n.gender = 'F'"
    if kind == "postgresql":
        if flag == "minority":
            return "(n.facts ->> 'ethnicity') <> '汉族'"
        return f"CAST(n.facts ->> '{flag}' AS BOOLEAN) IS true"
    if flag == "minority":
        return "JSON_EXTRACT(n.facts, '$.ethnicity') <> '汉族'"
    return f"JSON_EXTRACT(n.facts, '$.{flag}') IS 1"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(kind: str, count: int, filters: int, repeat: int, seed_value: int) -> None:
    rng = random.Random(seed_value)
    with database(kind) as engine:
        started = time.perf_counter()
        campaign_id, codes = seed(engine, count, rng)
        print(f"{kind}: {count} nominations seeded in {time.perf_counter() - started:.1f} s")
        sf = make_session_factory(engine)
        with UnitOfWork(sf) as uow:
            row = uow.session.get(Campaign, campaign_id)
            assert row is not None
            states = team_states(definition_of(row.definition), TEAM.role, TEAM.department)
            uow.session.expunge(row)
        drawn = [NominationFilter.from_query(p) for p in draw_filters(rng, codes, filters)]
        raw = engine.raw_connection()
        service_ms: list[float] = []
        bare_ms: list[float] = []
        ratios: list[float] = []
        worst: list[tuple[float, float, float, str]] = []
        try:
            for f in drawn:
                page_sql, count_sql, args = bare_sql(f, kind, row, states)
                mine: list[float] = []
                theirs: list[float] = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    with UnitOfWork(sf) as uow:
                        found = search_nominations(uow, TEAM, f)
                        got = ([n.id for n in found.items], found.total)
                    t1 = time.perf_counter()
                    cursor = raw.cursor()
                    cursor.execute(page_sql, args)
                    ids = [r[0] for r in cursor.fetchall()]
                    cursor.execute(count_sql, args)
                    total = cursor.fetchone()[0]
                    cursor.close()
                    raw.rollback()
                    t2 = time.perf_counter()
                    if got != (ids, total):
                        raise SystemExit(
                            f"different answers for {f.to_query()}: {got} vs {ids, total}"
                        )
                    mine.append((t1 - t0) * 1000)
                    theirs.append((t2 - t1) * 1000)
                service_ms += mine
                bare_ms += theirs
                ratios.append(statistics.median(mine) / statistics.median(theirs))
                shown = "&".join(f"{k}={v}" for k, v in f.to_query())
                worst.append(
                    (ratios[-1], statistics.median(mine), statistics.median(theirs), shown)
                )
        finally:
            raw.close()
        report(kind, service_ms, bare_ms, ratios, filters, repeat)
        for ratio, mine_ms, bare_one, shown in sorted(worst, reverse=True)[:3]:
            print(f"  highest ratio {ratio:.1f}: {mine_ms:.1f} ms vs {bare_one:.2f} ms  ?{shown}")
        rule_timing(sf, kind, repeat)


def report(
    kind: str, mine: list[float], bare: list[float], ratios: list[float], filters: int, repeat: int
) -> None:
    print(f"{kind}: {filters} filters x {repeat} runs, alternated")
    print(f"  {'':8} {'median ms':>10} {'p99 ms':>10}")
    for name, xs in (("service", mine), ("bare SQL", bare)):
        print(f"  {name:8} {statistics.median(xs):10.2f} {percentile(xs, 0.99):10.2f}")
    print(
        f"  ratio service/bare: median {statistics.median(mine) / statistics.median(bare):.2f}, "
        f"p99 {percentile(mine, 0.99) / percentile(bare, 0.99):.2f}; per filter (ratio of "
        f"medians) from {min(ratios):.2f} to {max(ratios):.2f}, "
        f"median {statistics.median(ratios):.2f}"
    )


def rule_timing(sf: Any, kind: str, repeat: int) -> None:
    """The failing-rule filter over the whole campaign and over one stage (service only)."""
    whole = [("campaign", "bench"), ("rule", "prior_honour")]
    stage = [("campaign", "bench"), ("stage", "qualification"), ("rule", "unit_notice")]
    for pairs in (whole, stage):
        f = NominationFilter.from_query(pairs)
        samples = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            with UnitOfWork(sf) as uow:
                total = search_nominations(uow, TEAM, f).total
            samples.append((time.perf_counter() - t0) * 1000)
        shown = "&".join(f"{k}={v}" for k, v in pairs)
        print(f"  failing rule {shown}: {total} found, median {statistics.median(samples):.1f} ms, "
              f"p99 {percentile(samples, 0.99):.1f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--filters", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    run(args.db, args.n, args.filters, args.repeat, args.seed)


if __name__ == "__main__":
    main()
