"""Times typed on the command line are Beijing time unless they carry a zone; what is not a
time is refused naming the option, without a traceback; deadlines print as 24时 of a day."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from config.dates import BEIJING
from tests.integration.test_cli import JIANGXI, Honorflow, hf
from tests.integration.test_cli_tasks import deadlines, in_qualification

__all__ = ["hf"]  # the fixture, imported for pytest


def _beijing(at: datetime) -> str:
    """An instant as a person in Beijing types it: no zone."""
    return at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def test_sweep_now_without_a_zone_is_beijing_time(hf: Honorflow) -> None:
    in_qualification(hf, count=1)
    [(_, stored, _)] = deadlines(hf, "reminder:3")
    due = datetime.fromisoformat(stored).replace(tzinfo=UTC)
    # The same wall-clock time read as UTC would be eight hours later and fire; read as
    # Beijing time a second before the due instant, nothing fires.
    assert hf.json("deadlines", "sweep", "--now", _beijing(due - timedelta(seconds=1))) == {
        "fired": 0,
        "errors": 0,
        "failed": 0,
        "kinds": {},
        "summaries": 0,
    }
    assert hf.json("deadlines", "sweep", "--now", _beijing(due))["fired"] == 1


def test_the_issue_s_own_example_runs(hf: Honorflow) -> None:
    hf.run("db", "upgrade")
    swept = hf.run("deadlines", "sweep", "--now", "2026-12-01 10:00")
    assert swept.returncode == 0 and "Traceback" not in swept.stderr


CAMPAIGN = ("campaign", "create", "--code", "x", "--title", "x", "--definition", "x",
            "--reference-date", "2026-03-01", "--submission-deadline")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "option", "value"),
    [
        (("deadlines", "sweep", "--now"), "--now", "tomorrow 10:00"),
        (("deadlines", "sweep", "--now"), "--now", "2026-13-01 10:00"),
        (("calendar", "add"), "START", "someday"),  # an argument: click names it in capitals
        (CAMPAIGN, "--submission-deadline", "15 December"),
    ],
)
def test_what_is_not_a_time_is_refused_naming_the_option(
    hf: Honorflow, args: tuple[str, ...], option: str, value: str
) -> None:
    refused = hf.run(*args, value, *(("5",) if option == "START" else ()), ok=False)
    assert refused.returncode == 2, refused.stderr  # a usage error, before anything is done
    assert "Traceback" not in refused.stderr
    assert option in refused.stderr and f"“{value}”不是时间" in refused.stderr


def test_calendar_add_reads_beijing_time_and_ends_at_24_hours(hf: Honorflow) -> None:
    hf.run("db", "upgrade")
    # Tuesday 2026-12-01 10:00 Beijing + 5 working days: due by the end of Tuesday 12-08.
    out = hf.run("calendar", "add", "2026-12-01 10:00", "5").stdout
    assert (
        out.strip()
        == "自2026年12月1日10时（北京时间）起5个工作日，至2026年12月8日24时（北京时间）止"
    )


def test_a_day_alone_as_the_submission_deadline_is_the_end_of_that_day(hf: Honorflow) -> None:
    hf.run("db", "upgrade")
    hf.run("workflow", "load", str(JIANGXI))
    hf.run(
        "campaign", "create", "--code", "jx", "--title", "测试", "--definition",
        "jiangxi-labour-model", "--reference-date", "2026-03-01",
        "--submission-deadline", "2099-12-15",
    )  # fmt: skip
    with sqlite3.connect(hf.db) as db:
        [(stored,)] = db.execute("SELECT submission_deadline FROM campaigns").fetchall()
    assert stored.startswith("2099-12-15 16:00:00")  # Beijing midnight that ends the 15th
