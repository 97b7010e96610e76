"""The reviewer queue (GET /api/tasks) with 1,000,000 review tasks, beside the bare SQL.

Run by hand (not a test):

    .venv/bin/python bench/bench_queue.py [--n 500] [--warmup 50] [--tasks 1000000]
        [--nominations 300000] [--units 20] [--no-explain] [--no-vacuum-pass]

In a fresh PostgreSQL schema (at HONORFLOW_BENCH_PG_URL, dropped at the end, also on failure)
built by the Alembic migrations, it loads (server-side INSERT … SELECT generate_series, then
ANALYZE) one campaign on config/workflows/jiangxi-labour-model.yaml with `--units` units,
`--nominations` nominations and `--tasks` review tasks over the definition's departments
(discipline and police most; ~5% open, ~2% claimed, the rest done or cancelled; due dates over
120 days). A department reviewer of `discipline` gets an API token, and the real app runs
under uvicorn in a subprocess on a free loopback port. Timed, interleaved in blocks, N each:

  endpoint   `GET /api/tasks` (and `?mine=true`) over one keep-alive httpx client;
  bare       the SQL that answers the same question, through one psycopg connection,
             prepared: the page (same WHERE / ORDER BY / LIMIT on review_tasks, joined to
             nominations and units for the nominee and unit, and the reviewer's conflict
             declarations for the recusal) plus the count for `total`.

Both are timed twice: as loaded (ANALYZE only: no visibility map, so no index-only scan, as
for pages changed since the last vacuum) and after `VACUUM (ANALYZE) review_tasks`
(`--no-vacuum-pass` skips the second). It prints median and p99 of both and the ratios
endpoint/bare, the statements one request runs (captured with SQLAlchemy's
before_cursor_execute on an in-process copy of the app) and its round trips to the server
(libpq's trace, with the pool's pings), and EXPLAIN (ANALYZE, BUFFERS) of each distinct
statement. It fails if the endpoint and the bare SQL do not return the same tasks
and total.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy import Engine, event, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.scratch import PG_URL, pg_schema  # noqa: E402
from models import Campaign, RecommendingUnit  # noqa: E402
from models.db import make_engine, make_session_factory  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from workflow.actors import Actor  # noqa: E402
from workflow.facts import NomineeFacts, PriorHonour, facts_to_json  # noqa: E402
from workflow.services import campaigns, definitions, users  # noqa: E402

DEFINITION = ROOT / "config" / "workflows" / "jiangxi-labour-model.yaml"
ADMIN = Actor("bench", "admin")
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
REVIEWER = "纪检审核员甲"  # display name = the actor's name = `assignee` of its claimed tasks
DEPARTMENT, ROLE = "discipline", "department_reviewer"
PAGE = 50  # the endpoint's default limit


# --- the database -----------------------------------------------------------------------------


@contextmanager
def database() -> Iterator[tuple[Engine, str]]:
    """A fresh schema built by the Alembic migrations; dropped afterwards, also on failure."""
    with pg_schema("bench_queue") as (engine, schema):
        upgrade(engine)
        yield engine, schema
    print(f"schema {schema} dropped")


def conninfo(schema: str) -> str:
    """A libpq connection string for psycopg, on the schema."""
    url = make_url(PG_URL)
    parts = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "dbname": url.database or "postgres",
    }
    if url.password:
        parts["password"] = url.password
    info = " ".join(f"{k}={v}" for k, v in parts.items())
    return f"{info} options=-csearch_path={schema}"


NOMINATIONS_SQL = """
INSERT INTO nominations (campaign_id, unit_id, definition_id, status, rank, name, gender,
    birth_date, category, employer, employer_type, honour, facts, summary, deeds,
    stage_entered_at, created_at, updated_at, version)
SELECT %(campaign)s, (%(units)s::int[])[1 + mod(i, cardinality(%(units)s::int[]))],
    %(definition)s,
    (ARRAY['joint_review', 'joint_review', 'qualification', 'inspection', 'public_notice',
           'not_approved', 'awarded', 'withdrawn', 'vetoed', 'joint_review'])[1 + mod(i, 10)],
    'main', '候选人' || lpad(i::text, 6, '0'), CASE WHEN mod(i, 3) = 0 THEN 'F' ELSE 'M' END,
    date '1966-01-01' + mod(i * 7, 12000),
    CASE mod(i, 10) WHEN 0 THEN 'enterprise_head' WHEN 1 THEN 'official'
         WHEN 2 THEN 'technician' ELSE 'front_line_worker' END,
    '江铃汽车集团', 'enterprise', %(honour)s, %(facts)s::json, '事迹简介',
    repeat('爱岗敬业，攻坚克难，技术革新成果显著。', 20),
    %(t0)s, %(t0)s, %(t0)s, 1
FROM generate_series(1, %(n)s) AS i
"""

# Departments as a joint review spreads them: every nomination goes to discipline and police,
# enterprise heads also to market, tax, labour, safety, environment (state ones to audit),
# officials to organisation; working_team holds the qualification and inspection tasks.
TASKS_SQL = """
INSERT INTO review_tasks (nomination_id, campaign_id, stage, department, role, assignee,
    status, outcome, opinion, due_at, created_at, completed_at, version)
SELECT %(first)s + mod(i, %(nominations)s), %(campaign)s,
    CASE WHEN dept <> 'working_team' THEN 'joint_review'
         WHEN mod(i, 2) = 0 THEN 'qualification' ELSE 'inspection' END,
    dept,
    CASE WHEN dept = 'working_team' THEN 'team_reviewer' ELSE 'department_reviewer' END,
    CASE WHEN status = 'claimed' AND mod(i, 4) = 0 THEN %(me)s
         WHEN status IN ('claimed', 'done') THEN '审核员' || mod(i, 9) END,
    status,
    CASE WHEN status = 'done' THEN 'clear' END,
    CASE WHEN status = 'done' THEN '经核查，未发现违纪违法问题。' END,
    due, due - interval '10 days',
    CASE WHEN status = 'done' THEN due - interval '3 days' END, 1
FROM (
    SELECT i,
        CASE WHEN r1 < 0.33 THEN 'discipline' WHEN r1 < 0.66 THEN 'police'
             WHEN r1 < 0.82 THEN 'working_team' WHEN r1 < 0.85 THEN 'market'
             WHEN r1 < 0.88 THEN 'tax' WHEN r1 < 0.91 THEN 'labour'
             WHEN r1 < 0.93 THEN 'safety' WHEN r1 < 0.95 THEN 'environment'
             WHEN r1 < 0.97 THEN 'audit' ELSE 'organisation' END AS dept,
        CASE WHEN r2 < 0.05 THEN 'open' WHEN r2 < 0.07 THEN 'claimed'
             WHEN r2 < 0.90 THEN 'done' ELSE 'cancelled' END AS status,
        %(t0)s + r3 * interval '120 days' AS due
    FROM (SELECT i, random() AS r1, random() AS r2, random() AS r3
          FROM generate_series(0, %(tasks)s - 1) AS i) AS raw
) AS g
"""


@dataclass(frozen=True)
class Loaded:
    campaign_id: int
    seconds: float
    counts: dict[str, int]


def facts() -> dict[str, Any]:
    return facts_to_json(
        NomineeFacts(
            name="候选人",
            birth_date=date(1980, 1, 1),
            employer="江铃汽车集团",
            recommending_unit="南昌市总工会",
            prior_honours=(PriorHonour("南昌市劳动模范", "municipal", 2018),),
            votes_for=90,
            votes_total=100,
            unit_notice_start=date(2025, 11, 3),
            unit_notice_end=date(2025, 11, 10),
        )
    )


def load(engine: Engine, schema: str, args: argparse.Namespace) -> Loaded:
    """Definition, campaign, units through the services; nominations and tasks in bulk."""
    start = time.perf_counter()
    sf = make_session_factory(engine)
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, DEFINITION, T0)
    with UnitOfWork(sf) as uow:
        campaign_id = campaigns.create_campaign(
            uow,
            code="bench-queue",
            title="基准测试",
            definition_name="jiangxi-labour-model",
            reference_date=date(2026, 3, 1),
            submission_deadline=None,
            actor=ADMIN,
            now=T0,
        ).id
    quota = [
        campaigns.UnitQuota(f"u{k:02d}", f"第{k:02d}推荐单位", 50, email=f"u{k}@example.org")
        for k in range(args.units)
    ]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, quota, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        definition_id, honour = campaign.definition_id, campaign.honour
        unit_ids = list(uow.session.scalars(select(RecommendingUnit.id)))
    with psycopg.connect(conninfo(schema)) as conn:
        conn.execute(
            NOMINATIONS_SQL,
            {
                "campaign": campaign_id,
                "units": unit_ids,
                "definition": definition_id,
                "honour": honour,
                "facts": psycopg.types.json.Json(facts()),
                "t0": T0,
                "n": args.nominations,
            },
        )
        first = conn.execute("SELECT min(id) FROM nominations").fetchone()
        assert first is not None
        conn.execute("SELECT setseed(0.42)")
        conn.execute(
            TASKS_SQL,
            {
                "first": first[0],
                "nominations": args.nominations,
                "campaign": campaign_id,
                "me": REVIEWER,
                "t0": T0,
                "tasks": args.tasks,
            },
        )
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")
        seconds = time.perf_counter() - start
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in ("recommending_units", "nominations", "review_tasks")
        }
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE department = %s),"
            " count(*) FILTER (WHERE department = %s AND status IN ('open', 'claimed'))"
            " FROM review_tasks",
            (DEPARTMENT, DEPARTMENT),
        ).fetchone()
        assert row is not None
        counts["discipline tasks"], counts["discipline open+claimed"] = row
    if counts["review_tasks"] != args.tasks or counts["nominations"] != args.nominations:
        raise SystemExit(f"load incomplete: {counts}")
    return Loaded(campaign_id, seconds, counts)


def reviewer(engine: Engine) -> tuple[int, str]:
    """The discipline department reviewer and a bearer token for it."""
    sf = make_session_factory(engine)
    with UnitOfWork(sf) as uow:
        user = users.create_user(
            uow,
            username="bench-discipline",
            display_name=REVIEWER,
            password="bench-password",
            role=ROLE,
            department=DEPARTMENT,
            actor=ADMIN,
            now=T0,
        )
        user_id = user.id
    with UnitOfWork(sf) as uow:
        token = users.issue_token(uow, user_id, "bench", datetime.now(UTC))
    # The tasks loaded as claimed by the reviewer's name were claimed by this account.
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE review_tasks SET assignee_user_id = :uid WHERE assignee = :name"),
            {"uid": user_id, "name": REVIEWER},
        )
        conn.execute(text("ANALYZE review_tasks"))
    return user_id, token


# --- the server -------------------------------------------------------------------------------


def serve(schema: str, port: int) -> None:
    """The real app over the schema (run in the subprocess)."""
    import uvicorn

    from web.app import create_app

    engine = make_engine(PG_URL, connect_args={"options": f"-csearch_path={schema}"})
    app = create_app(make_session_factory(engine))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(schema: str) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", schema, "--port", str(port)], cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited with {proc.returncode}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the bare SQL -------------------------------------------------------------------------------

QUEUE = "department = %(dept)s AND role = %(role)s AND status IN ('open', 'claimed')"
# A claim by an account is the account's (`assignee_user_id`), not its display name's.
MINE = f"{QUEUE} AND status = 'claimed' AND assignee_user_id = %(uid)s"


def bare_page(where: str) -> str:
    return f"""
SELECT t.id, t.nomination_id, t.campaign_id, t.stage, t.department, t.role, t.status,
       t.assignee, t.outcome, t.due_at, t.created_at, t.completed_at, n.name, u.code, u.name,
       EXISTS (SELECT 1 FROM conflict_declarations c
               WHERE c.user_id = %(uid)s AND c.nomination_id = t.nomination_id) AS conflict
FROM (SELECT * FROM review_tasks WHERE {where}
      ORDER BY due_at, id LIMIT %(limit)s OFFSET 0) AS t
JOIN nominations n ON n.id = t.nomination_id
JOIN recommending_units u ON u.id = n.unit_id
ORDER BY t.due_at, t.id
"""


# The endpoint's question as SQL: (page, count) for the queue and for `mine`.
BARE = {
    False: (bare_page(QUEUE), f"SELECT count(*) FROM review_tasks WHERE {QUEUE}"),
    True: (bare_page(MINE), f"SELECT count(*) FROM review_tasks WHERE {MINE}"),
}


def bare_params(user_id: int) -> dict[str, Any]:
    return {"dept": DEPARTMENT, "role": ROLE, "me": REVIEWER, "uid": user_id, "limit": PAGE}


def bare_answer(conn: psycopg.Connection[Any], user_id: int, mine: bool) -> tuple[int, list[int]]:
    """The page's task ids and the total, as the endpoint answers them."""
    page, count = BARE[mine]
    rows = conn.execute(page, bare_params(user_id), prepare=True).fetchall()
    total = conn.execute(count, bare_params(user_id), prepare=True).fetchone()
    assert total is not None
    return int(total[0]), [int(r[0]) for r in rows]


# --- statements the endpoint runs -------------------------------------------------------------


def shape(statement: str) -> str:
    """A statement with its bind parameter names folded, to group repeats."""
    return re.sub(r"%\(\w+\)s", "?", " ".join(statement.split()))


@dataclass
class Captured:
    """What one request ran: its statements, and its round trips to the server."""

    statements: list[tuple[str, Any]]
    round_trips: int


def captured(engine: Engine, token: str, path: str) -> Captured:
    """The statements one request to `path` runs, on an in-process copy of the app, and its
    round trips: the pool's pings, and the messages of libpq's trace that the server answers
    (a simple Query, or the Sync that ends a Parse, Bind, Execute), so BEGIN and COMMIT too."""
    from fastapi.testclient import TestClient

    from web.app import create_app

    seen: list[tuple[str, Any]] = []
    pings = 0
    ping = engine.dialect.do_ping

    def record(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: Any) -> None:
        seen.append((statement, params))

    def counted_ping(dbapi_connection: Any) -> bool:
        nonlocal pings
        pings += 1
        return bool(ping(dbapi_connection))

    app = create_app(make_session_factory(engine))
    with TestClient(app) as client, tempfile.TemporaryFile("w+") as log:
        headers = {"Authorization": f"Bearer {token}"}
        client.get(path, headers=headers).raise_for_status()  # warm, and last_used_at written

        def trace(dbapi_connection: Any, *_: Any) -> None:
            dbapi_connection.pgconn.trace(log.fileno())

        def untrace(dbapi_connection: Any, *_: Any) -> None:
            if dbapi_connection is not None and not dbapi_connection.closed:
                dbapi_connection.pgconn.untrace()

        event.listen(engine, "before_cursor_execute", record)
        event.listen(engine.pool, "checkout", trace)
        event.listen(engine.pool, "checkin", untrace)
        engine.dialect.do_ping = counted_ping  # type: ignore[method-assign]
        try:
            client.get(path, headers=headers).raise_for_status()
        finally:
            del engine.dialect.do_ping
            event.remove(engine, "before_cursor_execute", record)
            event.remove(engine.pool, "checkout", trace)
            event.remove(engine.pool, "checkin", untrace)
        log.seek(0)
        sent = [line.split("\t") for line in log.read().splitlines()]
    answered = sum(1 for m in sent if len(m) > 3 and m[1] == "F" and m[3] in ("Query", "Sync"))
    return Captured(seen, pings + answered)


def print_statements(engine: Engine, token: str, path: str, only: str | None = None) -> int:
    """List the statements one request runs, and EXPLAIN each (only those naming `only`)."""
    found = captured(engine, token, path)
    seen = found.statements
    shapes = Counter(shape(s) for s, _ in seen)
    print(
        f"\nStatements run by one GET {path}: {len(seen)}"
        f" ({found.round_trips} round trips with the pool's pings, BEGIN and COMMIT)"
    )
    for text_, count in shapes.items():
        print(f"  {count:>4} x {text_[:150]}{'…' if len(text_) > 150 else ''}")
    done: set[str] = set()
    for statement, params in seen:
        key = shape(statement)
        if key in done or not statement.lstrip().upper().startswith("SELECT"):
            continue
        if only is not None and only not in statement:
            continue
        done.add(key)
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).scalars()
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) of: {key[:200]}{'…' if len(key) > 200 else ''}")
            for line in plan:
                print(f"    {line}")
    return len(seen)


# --- timing -------------------------------------------------------------------------------------


@dataclass
class Series:
    name: str
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))] * 1000


def timed_calls(call: Callable[[], None], count: int, into: list[float]) -> None:
    for _ in range(count):
        start = time.perf_counter()
        call()
        into.append(time.perf_counter() - start)


def measure(
    base: str, token: str, schema: str, user_id: int, n: int, warmup: int, block: int
) -> dict[str, Series]:
    """Endpoint and bare SQL, default queue and mine, interleaved in blocks of `block`."""
    result: dict[str, Series] = {}
    headers = {"Authorization": f"Bearer {token}"}
    with (
        httpx.Client(base_url=base, headers=headers, timeout=30) as client,
        psycopg.connect(conninfo(schema), autocommit=True) as conn,
    ):
        for mine in (False, True):
            path = "/api/tasks?mine=true" if mine else "/api/tasks"
            params = bare_params(user_id)
            page_sql, count_sql = BARE[mine]

            def endpoint(path: str = path) -> None:
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"GET {path}: {response.status_code} {response.text[:300]}")

            def bare(
                params: dict[str, Any] = params,
                page_sql: str = page_sql,
                count_sql: str = count_sql,
            ) -> None:
                conn.execute(page_sql, params, prepare=True).fetchall()
                conn.execute(count_sql, params, prepare=True).fetchone()

            # The same answer, or the comparison means nothing.
            body = client.get(path).json()
            total, ids = bare_answer(conn, user_id, mine)
            if body["total"] != total or [t["id"] for t in body["items"]] != ids:
                raise SystemExit(f"{path}: the endpoint and the bare SQL disagree")
            if not ids:
                raise SystemExit(f"{path}: empty queue, nothing measured")
            print(f"GET {path}: total {total}, {len(ids)} items on the first page (checked)")
            timed_calls(endpoint, warmup, [])
            timed_calls(bare, warmup, [])
            api = Series(f"GET {path}", [])
            sql = Series("bare SQL (page + count)", [])
            done = 0
            while done < n:
                step = min(block, n - done)
                timed_calls(endpoint, step, api.samples)
                timed_calls(bare, step, sql.samples)
                done += step
            result[f"{'mine' if mine else 'queue'}/endpoint"] = api
            result[f"{'mine' if mine else 'queue'}/bare"] = sql
    return result


def print_results(series: dict[str, Series], n: int, title: str) -> None:
    print(f"\nLatency, {title}, N = {n} sequential requests each (after warm-up), ms")
    print(
        f"{'query':<12} {'endpoint med':>12} {'p99':>8} {'bare med':>9} {'p99':>8}"
        f" {'ratio med':>10} {'ratio p99':>10}"
    )
    for key in ("queue", "mine"):
        api, sql = series[f"{key}/endpoint"], series[f"{key}/bare"]
        print(
            f"{key:<12} {api.median:>12.2f} {api.p99:>8.2f} {sql.median:>9.2f} {sql.p99:>8.2f}"
            f" {api.median / sql.median:>10.1f} {api.p99 / sql.p99:>10.1f}"
        )


def print_autovacuum(schema: str) -> None:
    """Whether autovacuum visited the big tables during the run (it changes their plans)."""
    with psycopg.connect(conninfo(schema), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT relname, last_autovacuum, last_autoanalyze FROM pg_stat_user_tables"
            " WHERE schemaname = %s AND relname IN ('review_tasks', 'nominations')"
            " ORDER BY relname",
            (schema,),
        ).fetchall()
    for name, vacuumed, analysed in rows:
        print(f"{name}: last autovacuum {vacuumed}, last autoanalyze {analysed}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="timed requests per series")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--block", type=int, default=50, help="interleaving block size")
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--nominations", type=int, default=300_000)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--no-vacuum-pass", action="store_true", help="skip the second pass after VACUUM"
    )
    parser.add_argument("--serve", metavar="SCHEMA", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return
    print(
        f"honorflow reviewer-queue benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load_average()}"
    )
    with database() as (engine, schema):
        loaded = load(engine, schema, args)
        print(f"loaded in {loaded.seconds:.1f} s (including ANALYZE): {loaded.counts}")
        user_id, token = reviewer(engine)
        if not args.no_explain:
            for path in ("/api/tasks", "/api/tasks?mine=true"):
                print_statements(engine, token, path)
        results = []
        with server(schema) as base:
            print(f"\nload average before timing: {load_average()}")
            series = measure(base, token, schema, user_id, args.n, args.warmup, args.block)
            print(f"load average after timing: {load_average()}")
            print_autovacuum(schema)
            results.append((series, "as loaded (ANALYZE only, no visibility map)"))
            if not args.no_vacuum_pass:
                # The same after a VACUUM, as autovacuum leaves the pages nobody changed since:
                # index-only scans become possible.
                with psycopg.connect(conninfo(schema), autocommit=True) as conn:
                    conn.execute("VACUUM (ANALYZE) review_tasks")
                print("\nVACUUM (ANALYZE) review_tasks done")
                if not args.no_explain:
                    print_statements(engine, token, "/api/tasks", only="review_tasks")
                print(f"\nload average before timing: {load_average()}")
                series = measure(base, token, schema, user_id, args.n, args.warmup, args.block)
                print(f"load average after timing: {load_average()}")
                results.append((series, "after VACUUM (ANALYZE) review_tasks"))
        for series, title in results:
            print_results(series, args.n, title)


if __name__ == "__main__":
    main()
