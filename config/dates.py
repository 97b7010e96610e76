"""Times as people read and type them: Beijing time, periods as their first and last day.

Stored values stay UTC instants; a period is stored as [start, end) with `end` exclusive
(a notice ending "through Tuesday" is stored as Wednesday 00:00 Beijing time). People
read it as its first and last day — 2026年12月1日至12月7日（5个工作日） — and a deadline as
the end of a named day (12月15日24时). A time typed without a zone is Beijing time.
This module is the one home of those conversions; pages, the CLI, e-mails and exports
call it (through the catalogue's `Period` figure for words).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Period:
    """A period as people read it: its first and last day (inclusive), and optionally its
    length in working days. A catalogue figure: 2026年12月1日至12月7日（5个工作日）."""

    first: date
    last: date
    working_days: int | None = None


def local_day(moment: datetime) -> date:
    """The Beijing calendar day an instant falls on."""
    return moment.astimezone(BEIJING).date()


def last_day(end: datetime) -> date:
    """The last day of a period stored with an exclusive end: midnight belongs to the day before."""
    local = end.astimezone(BEIJING)
    if local.time() == datetime.min.time():
        return local.date() - timedelta(days=1)
    return local.date()


def period_of(start: datetime, end: datetime, working_days: int | None = None) -> Period:
    """The stored [start, end) as the days people read (first day, last day)."""
    first = local_day(start)
    return Period(first, max(first, last_day(end)), working_days)


def beijing_midnight(day: date) -> datetime:
    """The instant a Beijing day begins (what a period's exclusive end is stored as)."""
    return datetime(day.year, day.month, day.day, tzinfo=BEIJING)


def assume_beijing(value: datetime) -> datetime:
    """A time as typed: one without a zone is Beijing time; one with a zone is kept."""
    return value.replace(tzinfo=BEIJING) if value.tzinfo is None else value


def parse_instant(text: str) -> datetime:
    """An instant typed by a person: ISO 8601; without a zone it is Beijing time.

    Raises ValueError (with the standard library's words) for text that is not a time.
    """
    return assume_beijing(datetime.fromisoformat(text.strip()))


def parse_deadline(text: str) -> datetime:
    """A deadline typed by a person: a day alone (2026-12-15) is the end of that day
    (12月15日24时, stored as the next Beijing midnight); a time is read as `parse_instant`."""
    bare = text.strip()
    try:
        day = date.fromisoformat(bare)
    except ValueError:
        return parse_instant(bare)
    return beijing_midnight(day + timedelta(days=1))


def period_text(period: Period, chinese: bool) -> str:
    """A period in words: 2026年12月1日至12月7日（5个工作日）, 2026-12-01 to 2026-12-07.

    The catalogue calls this for a `Period` figure; the words around it stay in the catalogue.
    """
    first, last = period.first, period.last
    if chinese:
        head = f"{first.year}年{first.month}月{first.day}日"
        if last == first:
            body = head
        elif last.year == first.year:
            body = f"{head}至{last.month}月{last.day}日"
        else:
            body = f"{head}至{last.year}年{last.month}月{last.day}日"
        return body + (f"（{period.working_days}个工作日）" if period.working_days else "")
    body = first.isoformat() if last == first else f"{first.isoformat()} to {last.isoformat()}"
    if period.working_days:
        unit = "working day" if period.working_days == 1 else "working days"
        body += f" ({period.working_days} {unit})"
    return body
