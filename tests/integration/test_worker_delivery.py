"""Email through a real Celery worker (a subprocess), Redis and an SMTP server: a worker killed
mid-send, Redis restarted, 4xx backoff and 5xx failure.

Time is simulated by passing `now` to the tasks; the worker itself is configured only by
HONORFLOW_* environment variables (see worker_fixtures.py).
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from notifications.delivery import LEASE
from tests.conftest import make_campaign
from tests.integration.worker_fixtures import ROOT, Stack, make_stack, stack, wait_until
from tests.integration.worker_reading import (
    FAR_FUTURE,
    SECOND,
    all_sent_once,
    audit_events,
    flush,
    in_qualification,
    iso,
    rows,
)

__all__ = ["stack"]  # the fixture, imported for pytest


# --- a worker killed mid-send -------------------------------------------------------------------


def test_worker_killed_mid_send_every_message_once(stack: Stack) -> None:
    sf = stack.sf
    campaign_id = make_campaign(sf)
    for name in ("张三", "李四", "王五"):
        in_qualification(sf, campaign_id, name)
    assert len(rows(sf)) == 3
    stack.smtp.stall(30)  # the first MAIL command hangs
    worker = stack.worker()
    started = datetime.now(UTC)

    stack.send("relay_outbox")
    wait_until(lambda: stack.smtp.mail_commands >= 1, 15, "the worker to reach MAIL")
    # The relay claims its batch (all three) before it sends the first.
    claimed = [r for r in rows(sf) if r.status == "sending"]
    assert len(claimed) == 3
    assert all(r.claimed_until is not None and r.claimed_until > started for r in claimed)
    worker.kill()
    assert stack.smtp.received == []

    stack.worker()
    # While their lease holds, the claimed messages are left alone.
    assert stack.run("relay_outbox") == {}
    assert {r.status for r in rows(sf)} == {"sending"}
    # After the lease, the relay takes them over and sends each, once.
    after_lease = datetime.now(UTC) + LEASE + timedelta(minutes=1)
    assert stack.run("relay_outbox", now=iso(after_lease)) == {"sent": 3}
    stack.smtp.wait_for(3)
    outbox = all_sent_once(stack)
    assert [r.attempts for r in outbox] == [2, 2, 2]


# --- Redis restarted ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server of this test's own on a free port, without persistence."""

    def __init__(self, folder: Path) -> None:
        self.port, self.folder = free_port(), folder
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        assert binary is not None
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        wait_until(lambda: self._ping(client), 10, "redis to start")
        return self

    @staticmethod
    def _ping(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path: Path) -> object:
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


def honorflow(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _broker(server: RedisServer) -> str:
    return f"redis://127.0.0.1:{server.port}/0"


@pytest.fixture
def redis_stack(own_redis: RedisServer, tmp_path: Path) -> object:
    yield from make_stack("sqlite", tmp_path, _broker(own_redis))


def test_messages_published_while_redis_is_down_are_sent_once(
    redis_stack: Stack, own_redis: RedisServer
) -> None:
    stack = redis_stack
    sf = stack.sf
    campaign_id = make_campaign(sf)
    for name in ("张三", "李四", "王五"):
        in_qualification(sf, campaign_id, name)
    stack.worker()
    flush(stack)
    mark = len(stack.smtp.received)
    # The worker is busy with the first reminder (MAIL stalls), so the others wait in Redis.
    stack.smtp.stall(3)
    swept = honorflow(stack, "--json", "deadlines", "sweep", "--now", "2026-03-11T01:00:00+00:00")
    assert swept.returncode == 0, swept.stderr
    queue = redis.Redis(port=own_redis.port)
    wait_until(lambda: stack.smtp.mail_commands > mark, 10, "the first reminder to be sending")
    assert queue.llen(stack.queue) >= 1  # published and not yet taken
    own_redis.kill()
    # With Redis down, the next sweep commits its messages and cannot publish them.
    swept = honorflow(stack, "--json", "deadlines", "sweep", "--now", "2026-03-13T01:00:00+00:00")
    assert swept.returncode == 0, swept.stderr
    # A WARNING names the three outbox ids left for the relay.
    assert re.search(
        r"WARNING .*could not publish outbox message\(s\) \d+, \d+, \d+ ", swept.stderr
    )
    own_redis.start()  # empty: what was queued is gone
    assert queue.llen(stack.queue) == 0

    result = stack.run("relay_outbox", timeout=60)
    wait_until(lambda: {r.status for r in rows(sf)} == {"sent"}, 30, "all sent")
    assert result.get("sent", 0) >= 3
    outbox = all_sent_once(stack)
    assert Counter(r.kind for r in outbox) == {"task_assigned": 3, "reminder": 6}


# --- 4xx retried with backoff, 5xx failed and retried by an administrator -----------------------


def test_451_backs_off_then_delivers_and_550_fails_until_retried(stack: Stack) -> None:
    sf = stack.sf
    campaign_id = make_campaign(sf)
    in_qualification(sf, campaign_id, "张三")
    [message] = rows(sf)
    stack.smtp.fail_next(451, times=2)
    stack.worker()

    before = datetime.now(UTC)
    assert stack.run("relay_outbox") == {"retry": 1}
    after = datetime.now(UTC)
    [first] = rows(sf)
    assert (first.status, first.attempts) == ("pending", 1) and "451" in (first.last_error or "")
    assert first.next_attempt_at is not None
    # The first backoff is one minute after the attempt (made on the real clock).
    assert before + timedelta(minutes=1) <= first.next_attempt_at <= after + timedelta(minutes=1)
    # Not due before its backoff is over.
    assert stack.run("relay_outbox", now=iso(first.next_attempt_at - SECOND)) == {}
    at = first.next_attempt_at + SECOND
    assert stack.run("relay_outbox", now=iso(at)) == {"retry": 1}
    [second] = rows(sf)
    assert second.attempts == 2 and second.next_attempt_at is not None
    assert second.next_attempt_at - at == timedelta(minutes=2)  # the backoff doubled
    assert stack.smtp.received == []
    assert stack.run("relay_outbox", now=iso(second.next_attempt_at + SECOND)) == {"sent": 1}
    stack.smtp.wait_for(1)
    [sent] = rows(sf)
    assert (sent.status, sent.attempts, sent.id) == ("sent", 3, message.id)

    in_qualification(sf, campaign_id, "李四")
    stack.smtp.fail_next(550)
    assert stack.run("relay_outbox") == {"failed": 1}
    [failed] = [r for r in rows(sf) if r.status == "failed"]
    assert "550" in (failed.last_error or "")
    listed = honorflow(stack, "--json", "outbox", "list", "--status", "failed")
    assert listed.returncode == 0, listed.stderr
    assert [(m["id"], m["status"]) for m in json.loads(listed.stdout)] == [(failed.id, "failed")]
    assert stack.run("relay_outbox", now=iso(FAR_FUTURE)) == {}  # failed stays failed
    retried = honorflow(stack, "outbox", "retry", str(failed.id))
    assert retried.returncode == 0, retried.stderr
    assert stack.run("relay_outbox") == {"sent": 1}
    stack.smtp.wait_for(2)
    all_sent_once(stack)
    [event] = audit_events(sf, "outbox_retry")
    assert event.payload == {"message_ids": [failed.id]}
