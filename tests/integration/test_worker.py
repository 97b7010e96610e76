"""Deadlines and email through a real Celery worker (a subprocess), Redis and an SMTP server.

Time is simulated by passing `now` to the tasks; the worker itself is configured only by
HONORFLOW_* environment variables (see worker_fixtures.py).
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline, OutboxMessage
from models.uow import UnitOfWork
from notifications.compose import message_id_for
from notifications.delivery import LEASE
from tests.conftest import T0, make_campaign
from tests.integration.flow import TEAM, add, complete, fire, open_tasks, status, to_notice
from tests.integration.worker_fixtures import ROOT, Stack, make_stack, stack, wait_until
from workflow.actors import SYSTEM
from workflow.calendar import WorkingCalendar
from workflow.services.campaigns import UnitQuota

__all__ = ["stack"]  # the fixture, imported for pytest

SECOND = timedelta(seconds=1)
SENDER = ("劳模评选工作办公室", "laomo@example.org")
FAR_FUTURE = datetime(2027, 6, 1, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat()


# --- reading what happened ----------------------------------------------------------------------


def rows(sf: sessionmaker[Session]) -> list[OutboxMessage]:
    with UnitOfWork(sf) as uow:
        found = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
        return found


def deadline(sf: sessionmaker[Session], nomination_id: int, kind: str) -> Deadline:
    with UnitOfWork(sf) as uow:
        row = uow.session.scalars(
            select(Deadline)
            .where(Deadline.nomination_id == nomination_id, Deadline.kind == kind)
            .order_by(Deadline.id)
        ).one()
        uow.session.expunge_all()
        return row


def audit_events(sf: sessionmaker[Session], trigger: str) -> list[AuditEvent]:
    with UnitOfWork(sf) as uow:
        found = list(
            uow.session.scalars(
                select(AuditEvent).where(AuditEvent.trigger == trigger).order_by(AuditEvent.seq)
            )
        )
        uow.session.expunge_all()
        return found


def mid(message: EmailMessage) -> str:
    """The Message-ID as sent; a long one is folded onto a continuation line (RFC 5322 allows
    it), which Python's parser hands back with the folding space in front."""
    return str(message["Message-ID"]).strip()


def check_message(message: EmailMessage, raw: bytes, row: OutboxMessage) -> None:
    """Multipart text + HTML, the Chinese subject and sender name encoded, the stable id."""
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert mid(message) == f"<{message_id_for(row.idempotency_key, 'example.org')}>"
    sender = message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == SENDER
    assert message["To"].addresses[0].addr_spec == row.recipient
    assert row.subject and message["Subject"] == row.subject
    assert any("\u4e00" <= ch <= "\u9fff" for ch in row.subject), row.subject
    headers = raw.split(b"\r\n\r\n", 1)[0]
    assert headers.isascii() and b"=?utf-8?" in headers.lower()  # encoded words, not raw UTF-8
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None and "<" in html.get_content()


def delivered(stack: Stack) -> dict[str, EmailMessage]:
    """The SMTP server's messages by Message-ID, each checked against its outbox row,
    and each delivered exactly once."""
    messages = stack.smtp.messages
    counts = Counter(mid(m) for m in messages)
    assert all(n == 1 for n in counts.values()), f"delivered more than once: {counts}"
    by_id = {f"<{message_id_for(r.idempotency_key, 'example.org')}>": r for r in rows(stack.sf)}
    raw = [r.content for r in stack.smtp.received]
    for message, content in zip(messages, raw, strict=True):
        check_message(message, content, by_id[mid(message)])
    return {mid(m): m for m in messages}


def all_sent_once(stack: Stack) -> list[OutboxMessage]:
    """Every outbox row is sent, and the server holds exactly those messages, once each."""
    outbox = rows(stack.sf)
    assert {r.status for r in outbox} == {"sent"}, [(r.id, r.status, r.last_error) for r in outbox]
    got = delivered(stack)
    assert len(got) == len(outbox)
    # A relay long after everything finds nothing left to send.
    assert stack.run("relay_outbox", now=iso(FAR_FUTURE)) == {}
    assert len(stack.smtp.received) == len(outbox)
    return outbox


def flush(stack: Stack) -> int:
    """Send what setting up queued (assignments, returns) and wait until it has arrived."""
    pending = len([r for r in rows(stack.sf) if r.status == "pending"])
    before = len(stack.smtp.received)
    assert stack.run("relay_outbox").get("sent", 0) == pending
    stack.smtp.wait_for(before + pending)
    return before + pending


def new_rows(sf: sessionmaker[Session], after: int) -> list[OutboxMessage]:
    return [r for r in rows(sf) if r.id > after]


def last_id(sf: sessionmaker[Session]) -> int:
    return max((r.id for r in rows(sf)), default=0)


def in_qualification(sf: sessionmaker[Session], campaign_id: int, name: str) -> int:
    nomination = add(sf, campaign_id, name=name)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    return nomination


def returned(sf: sessionmaker[Session], campaign_id: int, name: str) -> int:
    nomination = in_qualification(sf, campaign_id, name)
    [task] = open_tasks(sf, nomination)
    complete(sf, task.id, "return", TEAM, opinion="缺少事迹材料")
    return nomination


# --- reminders and escalations ------------------------------------------------------------------


def sweep_fires_nothing(stack: Stack, at: datetime) -> None:
    before_rows, before_mail = len(rows(stack.sf)), len(stack.smtp.received)
    result = stack.run("sweep_deadlines", now=iso(at))
    assert result == {"fired": 0, "already_taken": 0, "errors": 0}
    assert len(rows(stack.sf)) == before_rows
    assert len(stack.smtp.received) == before_mail


def sweep_sends(stack: Stack, at: datetime, kind: str, recipients: list[str]) -> list[EmailMessage]:
    """One deadline fires at `at`; its messages arrive, one per recipient."""
    mark = last_id(stack.sf)
    before = len(stack.smtp.received)
    assert stack.run("sweep_deadlines", now=iso(at))["fired"] == 1
    fresh = new_rows(stack.sf, mark)
    assert sorted((r.kind, r.recipient) for r in fresh) == sorted((kind, r) for r in recipients)
    stack.smtp.wait_for(before + len(recipients))
    wait_until(
        lambda: {r.status for r in new_rows(stack.sf, mark)} == {"sent"}, 10, "sent recorded"
    )
    got = delivered(stack)
    return [got[f"<{message_id_for(r.idempotency_key, 'example.org')}>"] for r in fresh]


def test_reminders_then_escalations_arrive_once_each(stack: Stack) -> None:
    sf = stack.sf
    campaign_id = make_campaign(sf)
    nomination = in_qualification(sf, campaign_id, "张三")
    [task] = open_tasks(sf, nomination)
    calendar = WorkingCalendar()
    # Ten working days from Monday 2 March 2026 (no holiday in March): due at the end of
    # Monday 16 March, Shanghai; reminders at 09:00 on the 3rd and 1st working day before.
    assert task.due_at == calendar.add_working_days(T0, 10) == datetime(2026, 3, 16, 16, tzinfo=UTC)
    r3, r1 = deadline(sf, nomination, "reminder:3"), deadline(sf, nomination, "reminder:1")
    assert r3.due_at == calendar.working_days_before(task.due_at, 3)
    assert r3.due_at == datetime(2026, 3, 11, 1, tzinfo=UTC)
    assert r1.due_at == calendar.working_days_before(task.due_at, 1)
    assert r1.due_at == datetime(2026, 3, 13, 1, tzinfo=UTC)
    stack.worker()
    flush(stack)

    sweep_fires_nothing(stack, r3.due_at - SECOND)
    [reminder] = sweep_sends(stack, r3.due_at, "reminder", ["zhuanban@example.org"])
    assert "张三" in reminder["Subject"] and "还剩3个工作日" in reminder["Subject"]

    sweep_fires_nothing(stack, r1.due_at - SECOND)
    [reminder] = sweep_sends(stack, r1.due_at, "reminder", ["zhuanban@example.org"])
    assert "还剩1个工作日" in reminder["Subject"]

    sweep_fires_nothing(stack, task.due_at - SECOND)
    overdue = task.due_at + timedelta(minutes=1)
    [escalation] = sweep_sends(stack, overdue, "escalation", ["office@example.org"])
    assert "已逾期" in escalation["Subject"] and "第2次" not in escalation["Subject"]
    # The next escalation comes escalation_repeat_days (2) working days later.
    again = deadline(sf, nomination, "escalation:2")
    assert again.status == "pending"
    assert again.due_at == calendar.add_working_days(overdue, 2)
    assert again.due_at == datetime(2026, 3, 19, 16, tzinfo=UTC)

    sweep_fires_nothing(stack, again.due_at - SECOND)
    [escalation] = sweep_sends(stack, again.due_at, "escalation", ["office@example.org"])
    assert "第2次督办" in escalation["Subject"]
    assert deadline(sf, nomination, "escalation:3").due_at == calendar.add_working_days(
        again.due_at, 2
    )
    for kind in ("reminder:3", "reminder:1", "task_due", "escalation:2"):
        assert deadline(sf, nomination, kind).status == "fired", kind
    # Sweeping the same instant again fires nothing and sends nothing.
    sweep_fires_nothing(stack, again.due_at)
    outbox = all_sent_once(stack)
    assert Counter(r.kind for r in outbox) == {"task_assigned": 1, "reminder": 2, "escalation": 2}


# --- deadlines that change the state ------------------------------------------------------------


def test_notice_closes_itself_and_unanswered_return_withdraws(stack: Stack) -> None:
    sf = stack.sf
    campaign_id = make_campaign(sf)
    noticed = add(sf, campaign_id, name="王五", gender="F")
    to_notice(sf, noticed)
    lapsing = returned(sf, campaign_id, "李四")
    notice_end = deadline(sf, noticed, "notice_end")
    material_due = deadline(sf, lapsing, "material_due")
    stack.worker()
    sent = flush(stack)
    mark = last_id(sf)
    assert status(sf, noticed).status == "public_notice"

    at = max(notice_end.due_at, material_due.due_at) + timedelta(minutes=1)
    result = stack.run("sweep_deadlines", now=iso(at))
    assert result == {"fired": 2, "already_taken": 0, "errors": 0}

    assert status(sf, noticed).status == "committee"
    [closed] = audit_events(sf, "close_notice")
    assert closed.actor == SYSTEM.label and closed.nomination_id == noticed
    assert f"期限#{notice_end.id}（公示期满，" in (closed.reason or "")
    assert status(sf, lapsing).status == "withdrawn"
    [withdrawn] = audit_events(sf, "withdraw")
    assert withdrawn.actor == SYSTEM.label and withdrawn.nomination_id == lapsing
    assert "逾期未补充材料" in (withdrawn.reason or "")
    assert f"期限#{material_due.id}（补充材料期限，" in (withdrawn.reason or "")
    # The closed notice sends nothing; the withdrawal tells the unit once.
    fresh = new_rows(sf, mark)
    assert [(r.kind, r.recipient, r.nomination_id) for r in fresh] == [
        ("nomination_ended", "nc@example.org", lapsing)
    ]
    stack.smtp.wait_for(sent + 1)
    assert stack.run("sweep_deadlines", now=iso(at + timedelta(days=1)))["fired"] == 0
    all_sent_once(stack)


# --- two sweeps at once -------------------------------------------------------------------------


def test_two_concurrent_sweeps_fire_each_deadline_once(stack: Stack) -> None:
    sf = stack.sf
    campaign_id = make_campaign(
        sf, quotas=[UnitQuota("nc", "南昌市总工会", 40, email="nc@example.org")]
    )
    reviewed = [in_qualification(sf, campaign_id, f"甲{i}") for i in range(10)]
    lapsing = [returned(sf, campaign_id, f"乙{i}") for i in range(5)]
    worker = stack.worker(concurrency=2)
    sent = flush(stack)
    mark = last_id(sf)
    # Due then: every reminder:3 (11 March 09:00) and every material_due (9 March).
    at = datetime(2026, 3, 11, 2, tzinfo=UTC)

    first, second = (
        stack.send("sweep_deadlines", now=iso(at)),
        stack.send("sweep_deadlines", now=iso(at)),
    )
    results = [stack.wait(first), stack.wait(second)]

    assert sum(r["fired"] for r in results) == len(reviewed) + len(lapsing), results
    assert all(r["errors"] == 0 for r in results)
    assert sorted(e.nomination_id or 0 for e in audit_events(sf, "withdraw")) == sorted(lapsing)
    fresh = new_rows(sf, mark)
    assert Counter(r.kind for r in fresh) == {"reminder": 10, "nomination_ended": 5}
    assert len({r.idempotency_key for r in fresh}) == len(fresh)
    stack.smtp.wait_for(sent + len(fresh), timeout=20)
    wait_until(lambda: {r.status for r in rows(sf)} == {"sent"}, 20, "all sent")
    all_sent_once(stack)
    assert "Traceback" not in worker.text()


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
    [claimed] = [r for r in rows(sf) if r.status == "sending"]
    assert claimed.claimed_until is not None and claimed.claimed_until > started
    worker.kill()
    assert stack.smtp.received == []

    stack.worker()
    # While its lease holds, the claimed message is left alone; the others go out.
    assert stack.run("relay_outbox") == {"sent": 2}
    stack.smtp.wait_for(2)
    assert [r.status for r in rows(sf) if r.id == claimed.id] == ["sending"]
    # After the lease, the relay takes it over and sends it, once.
    after_lease = datetime.now(UTC) + LEASE + timedelta(minutes=1)
    assert stack.run("relay_outbox", now=iso(after_lease)) == {"sent": 1}
    stack.smtp.wait_for(3)
    outbox = all_sent_once(stack)
    assert [r.attempts for r in outbox if r.id == claimed.id] == [2]


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
    assert "could not publish 3 message(s)" in swept.stderr
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
