"""`honorflow deadlines list / next / failed / retry / sweep --dry-run`."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.integration.test_cli import Honorflow, hf
from tests.integration.test_cli_tasks import in_qualification

__all__ = ["hf"]  # the fixture, imported for pytest

BEYOND = "2099-03-20T00:00:00+08:00"  # past the calendar's last year


def snapshot(hf: Honorflow) -> dict[str, list[Any]]:
    """Every row a sweep could change."""
    with sqlite3.connect(hf.db) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("deadlines", "outbox_messages", "audit_events", "review_tasks")
        }


def test_dry_run_shows_what_would_fire_and_changes_nothing(hf: Honorflow) -> None:
    in_qualification(hf)
    pending = hf.json("deadlines", "list", "--status", "pending")
    reminders = [d for d in pending if d["kind"] == "reminder:3"]
    at = max(d["due_at"] for d in reminders)
    before = snapshot(hf)
    shown = hf.json("deadlines", "sweep", "--dry-run", "--now", at)
    assert sorted(d["id"] for d in shown) == sorted(d["id"] for d in reminders)
    text = hf.run("deadlines", "sweep", "--dry-run", "--now", at).stdout
    assert "试运行" in text and "未做任何更改" in text
    assert snapshot(hf) == before
    fired = hf.json("deadlines", "sweep", "--now", at)
    assert (fired["fired"], fired["failed"]) == (len(reminders), 0)
    assert snapshot(hf) != before
    assert hf.json("deadlines", "sweep", "--dry-run", "--now", at) == []


def test_list_next_and_their_filters(hf: Honorflow) -> None:
    ids = in_qualification(hf)
    every = hf.json("deadlines", "list")
    assert [d["due_at"] for d in every] == sorted(d["due_at"] for d in every)
    reminders = hf.json("deadlines", "list", "--kind", "reminder")
    assert {d["kind"] for d in reminders} == {"reminder:3", "reminder:1"}
    assert len(reminders) == 2 * len(ids)
    [soonest] = hf.json("deadlines", "next", "--limit", "1")
    assert soonest["id"] == every[0]["id"]
    campaign = every[0]["campaign"]
    assert len(hf.json("deadlines", "list", "--campaign", campaign)) == len(every)
    task_due = next(d for d in every if d["kind"] == "task_due")
    # Times typed without a zone are Beijing time (UTC+8).
    due = datetime.fromisoformat(task_due["due_at"])
    beijing = due.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    after = hf.json("deadlines", "list", "--kind", "task_due", "--due-after", beijing)
    assert {d["id"] for d in after} == {d["id"] for d in every if d["kind"] == "task_due"}
    assert hf.json("deadlines", "list", "--kind", "task_due", "--due-before", beijing) == []
    text = hf.run("deadlines", "list", "--kind", "reminder").stdout
    assert "到期提醒 3" in text and "待触发" in text
    bad = hf.run("deadlines", "list", "--due-before", "next tuesday", ok=False)
    assert bad.returncode == 2 and "到期早于" in bad.stderr
    unknown = hf.run("deadlines", "list", "--campaign", "nope", ok=False)
    assert unknown.returncode == 2 and "nope" in unknown.stderr
    refused = hf.run("deadlines", "list", "--as", "unit_clerk@nc", ok=False)
    assert refused.returncode == 6


def test_failed_deadlines_are_counted_listed_and_retried(hf: Honorflow) -> None:
    ids = in_qualification(hf)
    swept = hf.json("deadlines", "sweep", "--now", BEYOND)
    assert swept["failed"] == len(ids) and swept["errors"] == 0
    assert "失败" in hf.run("deadlines", "sweep", "--now", BEYOND).stdout
    failed = hf.json("deadlines", "failed")
    assert len(failed) == len(ids) and all(d["kind"] == "task_due" for d in failed)
    assert all(d["last_error"] and d["fired_at"] is None for d in failed)
    first, second = (d["id"] for d in failed)
    not_admin = hf.run("deadlines", "retry", str(first), "--as", "team_reviewer:working_team",
                       ok=False)  # fmt: skip
    assert not_admin.returncode == 6
    missing = hf.run("deadlines", "retry", str(first), "999999", ok=False)
    assert missing.returncode == 3
    assert hf.json("deadlines", "retry", str(first)) == {"retried": [first]}
    again = hf.run("deadlines", "retry", str(first), ok=False)
    assert again.returncode == 11 and "只有失败的期限可以重试" in again.stderr
    assert [d["id"] for d in hf.json("deadlines", "failed")] == [second]
    [back] = [d for d in hf.json("deadlines", "list", "--status", "pending") if d["id"] == first]
    assert (back["attempts"], back["last_error"]) == (0, None)
