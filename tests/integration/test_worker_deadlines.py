"""Deadlines through a real Celery worker (a subprocess), Redis and an SMTP server: reminders,
escalations, deadlines that change the state, two sweeps at once.

Time is simulated by passing `now` to the tasks; the worker itself is configured only by
HONORFLOW_* environment variables (see worker_fixtures.py).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from notifications.compose import message_id_for
from tests.conftest import T0, make_campaign
from tests.integration.flow import add, open_tasks, status, to_notice
from tests.integration.worker_fixtures import Stack, stack, wait_until
from tests.integration.worker_reading import (
    SECOND,
    all_sent_once,
    audit_events,
    deadline,
    delivered,
    flush,
    in_qualification,
    iso,
    last_id,
    new_rows,
    returned,
    rows,
)
from workflow.actors import SYSTEM
from workflow.calendar import WorkingCalendar
from workflow.services.campaigns import UnitQuota

__all__ = ["stack"]  # the fixture, imported for pytest


# --- reminders and escalations ------------------------------------------------------------------


def sweep_fires_nothing(stack: Stack, at: datetime) -> None:
    before_rows, before_mail = len(rows(stack.sf)), len(stack.smtp.received)
    result = stack.run("sweep_deadlines", now=iso(at))
    assert result == {"fired": 0, "already_taken": 0, "errors": 0, "failed": 0, "summaries": 0}
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


def sweep_escalates_to_the_office(stack: Stack, at: datetime) -> EmailMessage:
    """One overdue task's deadline fires at `at`: the office's escalation is held and goes
    out folded into the sweep's one summary to the office."""
    mark = last_id(stack.sf)
    before = len(stack.smtp.received)
    result = stack.run("sweep_deadlines", now=iso(at))
    assert (result["fired"], result["summaries"]) == (1, 1)
    fresh = new_rows(stack.sf, mark)
    assert sorted((r.kind, r.recipient) for r in fresh) == [
        ("escalation", "office@example.org"),
        ("escalation_summary", "office@example.org"),
    ]
    stack.smtp.wait_for(before + 1)
    statuses = lambda: {r.kind: r.status for r in new_rows(stack.sf, mark)}  # noqa: E731
    wait_until(lambda: statuses()["escalation_summary"] == "sent", 10, "sent recorded")
    assert statuses()["escalation"] == "digested"
    [summary] = [r for r in fresh if r.kind == "escalation_summary"]
    return delivered(stack)[f"<{message_id_for(summary.idempotency_key, 'example.org')}>"]


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
    summary = sweep_escalates_to_the_office(stack, overdue)
    assert "1项审核任务逾期未办结" in summary["Subject"]
    text = summary.get_body(("plain",)).get_content()
    assert "张三" in text and "逾期 1 个工作日" in text and "第 2 次督办" not in text
    # The next escalation comes escalation_repeat_days (2) working days later.
    again = deadline(sf, nomination, "escalation:2")
    assert again.status == "pending"
    assert again.due_at == calendar.add_working_days(overdue, 2)
    assert again.due_at == datetime(2026, 3, 19, 16, tzinfo=UTC)

    sweep_fires_nothing(stack, again.due_at - SECOND)
    summary = sweep_escalates_to_the_office(stack, again.due_at)
    assert "第 2 次督办" in summary.get_body(("plain",)).get_content()
    assert deadline(sf, nomination, "escalation:3").due_at == calendar.add_working_days(
        again.due_at, 2
    )
    for kind in ("reminder:3", "reminder:1", "task_due", "escalation:2"):
        assert deadline(sf, nomination, kind).status == "fired", kind
    # Sweeping the same instant again fires nothing and sends nothing.
    sweep_fires_nothing(stack, again.due_at)
    outbox = all_sent_once(stack)
    assert Counter(r.kind for r in outbox) == {
        "task_assigned": 1,
        "reminder": 2,
        "escalation_summary": 2,
    }


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
    assert result == {"fired": 2, "already_taken": 0, "errors": 0, "failed": 0, "summaries": 0}

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
