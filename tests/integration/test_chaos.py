"""Small versions of the chaos runs (bench/chaos/): the same scenarios, sized to run in seconds.

Each runs real Celery workers (subprocesses) on the real Redis, a real database and an SMTP
server on loopback, and counts what arrived by Message-ID.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.chaos.harness import chaos_stack
from bench.chaos.poison_and_beat import beat_restart, poison
from bench.chaos.scenarios import kill_worker, smtp_451
from tests.integration.worker_fixtures import REDIS_HOST, Stack, redis_db


def _stack(db: str, tmp_path: Path) -> Iterator[Stack]:
    """A stack whose SMTP server can refuse recipients and tell how many sends are in flight."""
    with chaos_stack(db, tmp_path, f"redis://{REDIS_HOST}:6379/{redis_db()}") as stack:
        yield stack


@pytest.fixture
def chaos(tmp_path: Path) -> Iterator[Stack]:
    """On SQLite: what these runs check does not depend on the database (kept short)."""
    yield from _stack("sqlite", tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def chaos_both(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    """On SQLite and on PostgreSQL."""
    yield from _stack(request.param, tmp_path)


def test_two_kills_mid_send_deliver_every_message_once(chaos_both: Stack) -> None:
    outcome = kill_worker(chaos_both, messages=12, kills=2, stall=0.2)
    assert outcome.ok, outcome.report()
    assert outcome.tally.distinct == 12 and outcome.tally.duplicates == 0
    assert all(n >= 1 for n in outcome.figures["MAIL commands in flight at each kill"])  # type: ignore[attr-defined]
    # Each kill left the message it was sending claimed; the relay after the lease sent it.
    held = outcome.figures["outbox after the kills, before the relay"]
    assert held.get("sending", 0) >= 1, held  # type: ignore[attr-defined]


def test_twenty_451_are_retried_with_backoff_and_delivered_once(chaos: Stack) -> None:
    outcome = smtp_451(chaos, messages=10, failures=20)
    assert outcome.ok, outcome.report()
    assert outcome.figures["waits between passes (minutes)"] == [1.0, 2.0]
    assert outcome.figures["sends before a backoff was over"] == 0
    assert outcome.figures["attempts per message"] == {3: 10}


def test_one_poison_among_a_hundred_is_failed_and_the_rest_arrive_once(chaos: Stack) -> None:
    outcome = poison(chaos, messages=100, bad=1)
    assert outcome.ok, outcome.report()
    assert outcome.tally.distinct == 99
    assert outcome.tally.statuses == {"sent": 99, "failed": 1}


def test_beat_restart_fires_each_due_deadline_once(chaos: Stack) -> None:
    outcome = beat_restart(chaos, cycles=1, per_cycle=5)
    assert outcome.ok, outcome.report()
    assert outcome.figures["deadlines due while the beat was down"] == 5
    assert outcome.figures["deadlines fired by all sweeps (workers' logs)"] == 5
    assert outcome.figures["their statuses"] == {"fired": 5}
    [sweeps] = outcome.figures["sweeps the beat sent on each restart"]  # type: ignore[misc]
    assert sweeps >= 1  # the restarted beat found its minute overdue and swept at once
