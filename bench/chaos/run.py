"""Run the chaos runs by hand; each prints its figures and appends them to bench/results/chaos.txt.

    .venv/bin/python -m bench.chaos.run kill|redis|451|poison|beat|all [--db sqlite|postgresql]

Workers use the shared Redis at 127.0.0.1:6379 (database 13, a queue of the run's own), except
the Redis restart, which starts a redis-server of its own (port 6390, no persistence) and
restarts that one. See bench/README.md, "Chaos runs".
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.chaos.harness import chaos_stack, record, since
from bench.chaos.poison_and_beat import beat_restart, poison
from bench.chaos.scenarios import Outcome, kill_worker, redis_restart, smtp_451
from tests.integration.test_worker_delivery import RedisServer
from tests.integration.worker_fixtures import Stack

SHARED_REDIS = "redis://127.0.0.1:6379/13"

RUNS: dict[str, tuple[str, Callable[[Stack, argparse.Namespace], Outcome]]] = {
    "kill": ("10 x kill -9 of the worker mid-send", lambda s, a: kill_worker(s, a.n or 200, 10)),
    "451": ("100 x SMTP 451", lambda s, a: smtp_451(s, a.n or 40, 100)),
    "poison": ("5 poison messages among 1,000", lambda s, a: poison(s, a.n or 1000, 5)),
    "beat": ("beat restarted across due deadlines", lambda s, a: beat_restart(s, 5, a.n or 20)),
}


def run_one(name: str, args: argparse.Namespace) -> bool:
    """One run in a temporary folder; its figures printed and recorded."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"chaos-{name}-") as folder:
        tmp = Path(folder)
        if name == "redis":
            title = "Redis restarted mid-run"
            server = RedisServer(tmp)
            server.port = args.redis_port
            server.start()
            try:
                broker = f"redis://127.0.0.1:{server.port}/0"
                with chaos_stack(args.db, tmp, broker) as stack:
                    outcome = redis_restart(stack, server, args.n or 200)
            finally:
                server.kill()
        else:
            title, scenario = RUNS[name]
            with chaos_stack(args.db, tmp, SHARED_REDIS) as stack:
                outcome = scenario(stack, args)
    record(f"{title} ({args.db})", outcome.report(), outcome.ok, since(start))
    return outcome.ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", choices=[*RUNS, "redis", "all"])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--n", type=int, default=0, help="messages (nominations per restart)")
    parser.add_argument("--redis-port", type=int, default=6390)
    args = parser.parse_args(argv)
    names = ["kill", "redis", "451", "poison", "beat"] if args.run == "all" else [args.run]
    results = [run_one(name, args) for name in names]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
