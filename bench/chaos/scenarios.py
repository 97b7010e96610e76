"""The chaos runs, each on a stack it is given, returning its figures; the scripts run them
large (`bench/chaos/run.py`), the test suite small (`tests/integration/test_chaos.py`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import redis

from bench.chaos.harness import (
    Tally,
    after_lease,
    queue_messages,
    smtp_of,
    tally,
    wait_for_statuses,
)
from tests.integration.worker_fixtures import Stack, wait_until
from tests.integration.worker_reading import FAR_FUTURE, iso, rows

SENT = {"sent"}


@dataclass
class Outcome:
    """A run's delivery tally and the figures it prints."""

    tally: Tally
    figures: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.tally.exactly_once and not self.problems

    def report(self) -> dict[str, object]:
        t = self.tally
        return {
            **self.figures,
            "expected": t.expected,
            "delivered (SMTP)": t.delivered,
            "distinct Message-IDs": t.distinct,
            "duplicates": t.duplicates,
            "lost": t.lost,
            "outbox statuses": dict(t.statuses),
            **({"problems": "; ".join(self.problems)} if self.problems else {}),
        }


def _nothing_left(stack: Stack, outcome: Outcome) -> None:
    """A relay long after everything finds nothing more to send."""
    left = stack.run("relay_outbox", now=iso(FAR_FUTURE), timeout=120)
    if left:
        outcome.problems.append(f"a last relay still found {left}")


# --- kill -9 of the worker mid-send -------------------------------------------------------------


def kill_worker(stack: Stack, messages: int, kills: int, stall: float = 0.2) -> Outcome:
    """Publish one send task per message to a worker, SIGKILL it `kills` times while a MAIL is
    being answered (slowed by `stall` s), restart it each time; then the relay, after the
    lease, sends what the killed workers held."""
    ids = queue_messages(stack, messages)
    stack.smtp.stall(stall, times=None)
    worker = stack.worker()
    for message_id in ids:
        stack.send("send_message", message_id=message_id)
    in_flight = []
    for _ in range(kills):
        mark = len(stack.smtp.received)
        wait_until(
            lambda m=mark: len(stack.smtp.received) > m and smtp_of(stack).in_mail > 0,  # type: ignore[misc]
            120,
            "a send in flight",
            0.01,
        )
        in_flight.append(smtp_of(stack).in_mail)
        worker.kill()
        worker = stack.worker()
    queue = redis.Redis.from_url(stack.broker_url)
    wait_until(lambda: queue.llen(stack.queue) == 0, 300, "the queue to drain", 0.2)
    queue.close()
    _settled(stack)
    held = Counter(r.status for r in rows(stack.sf))
    stack.smtp.stall(0, times=None)
    leftover = stack.run("relay_outbox", now=after_lease(), timeout=120)
    wait_for_statuses(stack, SENT, 60)
    outcome = Outcome(tally(stack))
    outcome.figures = {
        "messages": messages,
        "kills (SIGKILL of the worker's process group)": kills,
        "MAIL commands in flight at each kill": in_flight,
        "outbox after the kills, before the relay": dict(held),
        "relay after the lease": leftover,
        "attempts per message": dict(Counter(r.attempts for r in rows(stack.sf))),
    }
    _nothing_left(stack, outcome)
    return outcome


def _settled(stack: Stack, quiet: float = 2.0) -> None:
    """Wait until no row has changed status for `quiet` seconds (the last task finished)."""
    last, since = None, datetime.now(UTC)
    while (datetime.now(UTC) - since).total_seconds() < quiet:
        now = Counter(r.status for r in rows(stack.sf))
        if now != last:
            last, since = now, datetime.now(UTC)
        wait_until(lambda: True, 1, "", 0.2)


# --- Redis restarted mid-run --------------------------------------------------------------------


def redis_restart(stack: Stack, server: object, messages: int, stall: float = 0.1) -> Outcome:
    """Publish a send task per message; a third of the way through, kill Redis (no persistence:
    the queued tasks are gone) and start it again; publish more; the relay sends the rest."""
    ids = queue_messages(stack, messages)
    stack.smtp.stall(stall, times=None)
    stack.worker()
    for message_id in ids:
        stack.send("send_message", message_id=message_id)
    wait_until(lambda: len(stack.smtp.received) >= messages // 3, 120, "a third sent", 0.05)
    queue = redis.Redis.from_url(stack.broker_url)
    queued = queue.llen(stack.queue)
    server.kill()  # type: ignore[attr-defined]
    sent_at_kill = len(stack.smtp.received)
    server.start()  # type: ignore[attr-defined]
    after = queue.llen(stack.queue)
    more = queue_messages(stack, messages // 5, first=messages)
    for message_id in more:
        stack.send("send_message", message_id=message_id)
    # The worker reconnects and takes the tasks published after the restart.
    wait_until(
        lambda: {r.status for r in rows(stack.sf) if r.id in set(more)} == SENT,
        120,
        "the restarted broker's tasks to be sent",
        0.2,
    )
    stack.smtp.stall(0, times=None)
    pending = Counter(r.status for r in rows(stack.sf))
    relayed = stack.run("relay_outbox", timeout=120)
    wait_for_statuses(stack, SENT, 60)
    outcome = Outcome(tally(stack))
    outcome.figures = {
        "messages before the restart": messages,
        "published after it": len(more),
        "tasks waiting in Redis when it was killed": queued,
        "delivered when it was killed": sent_at_kill,
        "tasks in Redis after the restart": after,
        "outbox before the relay": dict(pending),
        "relay": relayed,
    }
    queue.close()
    _nothing_left(stack, outcome)
    return outcome


# --- 451 from the server ------------------------------------------------------------------------


def smtp_451(stack: Stack, messages: int, failures: int) -> Outcome:
    """The server answers 451 to the first `failures` DATA commands; relays run at each
    message's backoff time (never before: a relay one second early sends nothing)."""
    queue_messages(stack, messages)
    stack.smtp.fail_next(451, times=failures)
    stack.worker()
    at = datetime.now(UTC)
    passes: list[dict[str, int]] = []
    early: list[dict[str, int]] = []
    waits: list[float] = []
    while any(r.status == "pending" for r in rows(stack.sf)) and len(passes) < 40:
        passes.append(stack.run("relay_outbox", now=iso(at), timeout=120))
        waiting = [r.next_attempt_at for r in rows(stack.sf) if r.status == "pending"]
        if waiting:
            due = min(w for w in waiting if w is not None)
            early.append(stack.run("relay_outbox", now=iso(due - timedelta(seconds=1))))
            waits.append(round((due - at).total_seconds() / 60, 1))
            at = due + timedelta(seconds=1)
    outcome = Outcome(tally(stack))
    attempts = Counter(r.attempts for r in rows(stack.sf))
    tried = sum(n * count for n, count in attempts.items())
    outcome.figures = {
        "messages": messages,
        "451 answers scripted": failures,
        "relay passes": len(passes),
        "retries counted": sum(p.get("retry", 0) for p in passes),
        "sends before a backoff was over": sum(sum(e.values()) for e in early),
        "attempts per message": dict(sorted(attempts.items())),
        "waits between passes (minutes)": waits,
    }
    if tried != messages + failures:
        outcome.problems.append(f"{tried} attempts, expected {messages + failures}")
    if any(early):
        outcome.problems.append(f"sent before its backoff: {early}")
    _nothing_left(stack, outcome)
    return outcome
