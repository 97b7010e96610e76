"""Many reviewers at once on a real server: throughput, latency and errors by status.

Run by hand (not a test):

    .venv/bin/python bench/bench_reviewers_load.py [--db sqlite|postgresql|both]
        [--reviewers 200] [--seconds 60] [--nominations 300] [--complete 0.1]

Set-up (not timed): a fresh database (a temporary SQLite file, the embedded default, or a new
PostgreSQL schema at HONORFLOW_BENCH_PG_URL, dropped at the end) with the Jiangxi definition,
one campaign and `--nominations` nominees in joint review (the tests' own walk down the
procedure, tests/integration/flow.py), each with a task for the discipline and the police
department, and `--reviewers` department reviewers of those two departments, a token each.
The app (`web.app.create_app`, exactly as `honorflow web` builds it, on a fixed clock) is served
by uvicorn in a process of its own on loopback; the reviewers are threads of this process,
each with its own HTTP connection (httpx).

Timed: for `--seconds`, each reviewer in a loop reads its inbox (`GET /api/tasks?state=open`),
opens one of its tasks (`GET /api/tasks/ID`), claims it, then completes it (`clear`, with the
probability `--complete`) or releases it. A claim that another reviewer won is a 409, expected.
Printed per database: requests and actions per second, p50 and p99 latency (all requests, and
per kind), and the answers by status. The target is zero 5xx; the run exits 1 if any.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from bench.scratch import PG_URL, pg_schema  # noqa: E402
from models import Base  # noqa: E402
from models.db import make_engine, make_session_factory  # noqa: E402
from models.uow import UnitOfWork  # noqa: E402
from tests.conftest import ADMIN, make_campaign  # noqa: E402
from tests.integration import flow  # noqa: E402
from workflow.services import campaigns, users  # noqa: E402

NOW = flow.T0 + timedelta(days=1)
DEPARTMENTS = ("discipline", "police")


def seed(sf: sessionmaker[Session], nominations: int, reviewers: int) -> list[str]:
    """The campaign, the nominees in joint review and a token per reviewer."""
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)  # set-up only
    quotas = [campaigns.UnitQuota("nc", "南昌市总工会", nominations + 10, email="nc@example.org")]
    campaign_id = make_campaign(sf, quotas=quotas)
    for i in range(nominations):
        flow.to_joint_review(sf, flow.add(sf, campaign_id, "nc", f"被推荐人{i}"))
    tokens = []
    for i in range(reviewers):
        with UnitOfWork(sf) as uow:
            user = users.create_user(
                uow,
                username=f"reviewer{i}",
                display_name=f"审核员{i}",
                password="load-test-password-1",
                actor=ADMIN,
                now=flow.T0,
                role="department_reviewer",
                department=DEPARTMENTS[i % len(DEPARTMENTS)],
            )
        with UnitOfWork(sf) as uow:
            tokens.append(users.issue_token(uow, user.id, "load", flow.T0))
    return tokens


def serve(url: str, schema: str | None, port: int) -> None:
    """The server process: the app over the database, on a fixed clock."""
    import uvicorn

    from web.app import create_app

    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    app = create_app(make_session_factory(make_engine(url, **options)))
    app.state.clock = lambda: NOW
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="critical", backlog=2048)


@contextmanager
def server(url: str, schema: str | None) -> Iterator[str]:
    """A uvicorn process serving the database; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [sys.executable, __file__, "--serve", url, "--port", str(port)]
    proc = subprocess.Popen([*args, *(["--schema", schema] if schema else [])])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


class Tally:
    """Latencies by kind and answers by status, shared by the reviewer threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.status: Counter[str] = Counter()

    def call(
        self, client: httpx.Client, kind: str, method: str, url: str, **kw: object
    ) -> httpx.Response | None:
        """One request, timed and counted; None when it got no answer at all."""
        started = time.perf_counter()
        answer: httpx.Response | None = None
        try:
            answer = client.request(method, url, **kw)  # type: ignore[arg-type]
            code = str(answer.status_code)
        except httpx.HTTPError as exc:
            code = type(exc).__name__
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[kind].append(elapsed)
            self.status[code] += 1
        return answer


def reviewer(base: str, token: str, until: float, tally: Tally, complete: float) -> None:
    """Inbox, a task, claim, then complete or release, until the time is up."""
    rng = random.Random(token)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        while time.monotonic() < until:
            inbox = {"state": "open", "limit": 20}
            answer = tally.call(client, "inbox", "GET", "/api/tasks", params=inbox)
            ok = answer is not None and answer.status_code == 200
            items = answer.json().get("items", []) if answer is not None and ok else []
            if not items:
                continue
            task = rng.choice(items)["id"]
            tally.call(client, "open", "GET", f"/api/tasks/{task}")
            claimed = tally.call(client, "claim", "POST", f"/api/tasks/{task}/claim")
            if claimed is None or claimed.status_code != 200:
                continue
            if rng.random() < complete:
                body = {"outcome": "clear", "opinion": "同意"}
                tally.call(client, "complete", "POST", f"/api/tasks/{task}/complete", json=body)
            else:
                tally.call(client, "release", "POST", f"/api/tasks/{task}/release")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def report(name: str, tally: Tally, seconds: float) -> int:
    """Print the figures; the number of 5xx answers and transport errors."""
    everything = [x for xs in tally.latency.values() for x in xs]
    actions = sum(len(tally.latency.get(k, [])) for k in ("claim", "complete", "release"))
    print(f"\n{name}: {len(everything)} requests in {seconds:.0f} s")
    rate, acts = len(everything) / seconds, actions / seconds
    print(f"  throughput  {rate:8.1f} requests/s, {acts:.1f} actions/s")
    print(f"  latency     p50 {pct(everything, 0.5):7.1f} ms   p99 {pct(everything, 0.99):7.1f} ms")
    for kind, values in sorted(tally.latency.items()):
        mean = statistics.fmean(values) * 1000
        print(f"    {kind:9s} n={len(values):6d}  p50 {pct(values, 0.5):7.1f}  p99 "
              f"{pct(values, 0.99):7.1f}  mean {mean:7.1f} ms")  # fmt: skip
    print("  by status   " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.status.items())))
    return sum(v for k, v in tally.status.items() if not k.isdigit() or k.startswith("5"))


def run(name: str, url: str, schema: str | None, args: argparse.Namespace) -> int:
    options = {"connect_args": {"options": f"-csearch_path={schema}"}} if schema else {}
    engine = make_engine(url, **options)
    Base.metadata.create_all(engine)
    tokens = seed(make_session_factory(engine), args.nominations, args.reviewers)
    engine.dispose()
    tally = Tally()
    with server(url, schema) as base:
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=reviewer, args=(base, t, until, tally, args.complete))
            for t in tokens
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    return report(name, tally, elapsed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--reviewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--nominations", type=int, default=300)
    parser.add_argument("--complete", type=float, default=0.1)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--schema", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.schema, args.port)
        return 0
    failures = 0
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{os.path.join(folder, 'load.sqlite3')}"
            failures += run("SQLite (embedded default)", url, None, args)
    if args.db in ("postgresql", "both"):
        with pg_schema("bench_load") as (engine, schema):
            engine.dispose()
            failures += run("PostgreSQL", PG_URL, schema, args)
    print(f"\n5xx and transport errors: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
