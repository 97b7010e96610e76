"""The working-day calendar against real 2025/2026 holidays, checked with chinese_calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflow.calendar import SHANGHAI, WorkingCalendar
from workflow.errors import CalendarRangeError

CAL = WorkingCalendar()
NEW_YORK = ZoneInfo("America/New_York")


def sh(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def test_known_range_comes_from_the_package() -> None:
    assert (CAL.first_year, CAL.last_year) == (2004, 2026)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 26), True),  # Friday
        (date(2025, 9, 27), False),  # Saturday
        (date(2025, 9, 28), True),  # Sunday, make-up working day before National Day
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # last day of the National Day holiday
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, make-up working day
        (date(2025, 10, 12), False),  # Sunday
        (date(2025, 10, 18), False),  # plain weekend
        (date(2025, 10, 19), False),
        (date(2025, 10, 20), True),  # plain Monday
        (date(2026, 1, 4), True),  # Sunday, make-up working day after New Year
        (date(2026, 2, 14), True),  # Saturday, make-up working day before Spring Festival
        (date(2026, 2, 15), False),  # first day of the Spring Festival holiday
        (date(2026, 2, 23), False),  # last day of it (a Monday)
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, make-up working day
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize("day", [date(2003, 12, 31), date(2027, 1, 4), date(1999, 6, 1)])
def test_outside_known_years_is_refused(day: date) -> None:
    with pytest.raises(CalendarRangeError) as info:
        CAL.is_working_day(day)
    message = str(info.value)
    assert f"{day.year}年{day.month}月{day.day}日" in message
    assert "2004年1月1日" in message
    assert "2026年12月31日" in message
    english = info.value.text("en")
    assert day.isoformat() in english
    assert "2004-01-01..2026-12-31" in english


def test_datetime_is_not_a_date() -> None:
    with pytest.raises(TypeError):
        CAL.is_working_day(sh(2025, 10, 9, 10))


def test_overrides_win_over_the_package() -> None:
    cal = WorkingCalendar({date(2025, 10, 9): False, date(2025, 10, 12): True})
    assert cal.is_working_day(date(2025, 10, 9)) is False
    assert cal.is_working_day(date(2025, 10, 12)) is True
    assert cal.is_working_day(date(2025, 10, 10)) is True  # untouched days keep the package value
    assert cal.next_working_day(date(2025, 9, 30)) == date(2025, 10, 10)
    assert cal.add_working_days(sh(2025, 10, 10, 9), 2) == utc(2025, 10, 12, 16)


def test_override_reaches_past_the_known_years() -> None:
    cal = WorkingCalendar({date(2027, 1, 1): True})
    assert cal.is_working_day(date(2027, 1, 1)) is True
    assert cal.next_working_day(date(2026, 12, 31)) == date(2027, 1, 1)
    with pytest.raises(CalendarRangeError):
        cal.is_working_day(date(2027, 1, 2))


def test_overrides_are_copied() -> None:
    overrides = {date(2025, 10, 9): False}
    cal = WorkingCalendar(overrides)
    overrides[date(2025, 10, 9)] = True
    assert cal.is_working_day(date(2025, 10, 9)) is False


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2025, 9, 27), date(2025, 10, 12), 6),  # 28, 29, 30 Sep; 9, 10, 11 Oct
        (date(2025, 10, 1), date(2025, 10, 8), 0),  # the whole National Day holiday
        (date(2025, 10, 9), date(2025, 10, 9), 1),  # one working day, both ends inclusive
        (date(2025, 10, 12), date(2025, 10, 12), 0),
        (date(2025, 10, 17), date(2025, 10, 20), 2),  # Friday to Monday over a weekend
        (date(2025, 10, 20), date(2025, 10, 17), 0),  # end before start
        (date(2026, 2, 14), date(2026, 2, 28), 6),  # Spring Festival 2026
        (date(2025, 12, 29), date(2026, 1, 4), 4),  # 29, 30, 31 Dec; Sunday 4 Jan
    ],
)
def test_working_days_between(start: date, end: date, count: int) -> None:
    assert CAL.working_days_between(start, end) == count


def test_working_days_between_with_override() -> None:
    cal = WorkingCalendar({date(2025, 10, 9): False})
    assert CAL.working_days_between(date(2025, 10, 9), date(2025, 10, 19)) == 8
    assert cal.working_days_between(date(2025, 10, 9), date(2025, 10, 19)) == 7


def test_working_days_between_refuses_unknown_years() -> None:
    with pytest.raises(CalendarRangeError):
        CAL.working_days_between(date(2026, 12, 30), date(2027, 1, 5))


@pytest.mark.parametrize(
    ("day", "following"),
    [
        (date(2025, 9, 26), date(2025, 9, 28)),
        (date(2025, 9, 30), date(2025, 10, 9)),
        (date(2025, 10, 11), date(2025, 10, 13)),
        (date(2025, 12, 31), date(2026, 1, 4)),
        (date(2026, 2, 13), date(2026, 2, 14)),
        (date(2026, 2, 14), date(2026, 2, 24)),
    ],
)
def test_next_working_day(day: date, following: date) -> None:
    assert CAL.next_working_day(day) == following


def test_next_working_day_refuses_to_run_past_the_data() -> None:
    with pytest.raises(CalendarRangeError):
        CAL.next_working_day(date(2026, 12, 31))


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # The start day never counts; the result is the Shanghai midnight ending the Nth day.
        (sh(2025, 9, 30, 10), 1, utc(2025, 10, 9, 16)),  # over National Day
        (sh(2025, 9, 30, 10), 5, utc(2025, 10, 14, 16)),  # 9, 10, 11 (Sat), 13, 14 Oct
        (sh(2025, 9, 26, 18), 1, utc(2025, 9, 28, 16)),  # Sunday make-up day counts
        (sh(2025, 10, 17, 9), 1, utc(2025, 10, 20, 16)),  # over a plain weekend
        (sh(2026, 2, 13, 9), 1, utc(2026, 2, 14, 16)),  # Saturday make-up day counts
        (sh(2026, 2, 13, 9), 2, utc(2026, 2, 24, 16)),  # over Spring Festival
        # Counted in Shanghai whatever the start's zone: 15:00Z is still 10 Oct there ...
        (utc(2025, 10, 10, 15), 1, utc(2025, 10, 11, 16)),
        # ... while 17:00Z is already Saturday 11 Oct (a working day, so not counted).
        (utc(2025, 10, 10, 17), 1, utc(2025, 10, 13, 16)),
        (datetime(2025, 9, 29, 12, tzinfo=NEW_YORK), 1, utc(2025, 10, 9, 16)),
        (sh(2025, 10, 3), 1, utc(2025, 10, 9, 16)),  # a start on a holiday
    ],
)
def test_add_working_days(start: datetime, days: int, expected: datetime) -> None:
    result = CAL.add_working_days(start, days)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize("days", [0, -1])
def test_add_working_days_needs_at_least_one(days: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        CAL.add_working_days(sh(2025, 10, 9), days)


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.add_working_days(datetime(2025, 10, 9, 9), 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        CAL.working_days_before(datetime(2025, 10, 15), 1)


DUE = utc(2025, 10, 14, 16)  # midnight ending Tuesday 14 Oct in Shanghai


@pytest.mark.parametrize(
    ("due", "days", "at", "expected"),
    [
        (DUE, 0, time(9), utc(2025, 10, 14, 1)),  # 09:00 Shanghai on the last day itself
        (DUE, 1, time(9), utc(2025, 10, 13, 1)),
        (DUE, 2, time(9), utc(2025, 10, 11, 1)),  # Saturday make-up day
        (DUE, 4, time(9), utc(2025, 10, 9, 1)),
        (DUE, 5, time(9), utc(2025, 9, 30, 1)),  # back over National Day
        (DUE, 1, time(17, 30), utc(2025, 10, 13, 9, 30)),
        # A due instant inside a holiday anchors on the last working day before it.
        (sh(2025, 10, 5, 12), 0, time(9), utc(2025, 9, 30, 1)),
        (sh(2025, 10, 5, 12), 1, time(9), utc(2025, 9, 29, 1)),
        # Midnight opening 9 Oct belongs to 8 Oct (a holiday), so 30 Sep is the last day.
        (sh(2025, 10, 9), 0, time(9), utc(2025, 9, 30, 1)),
        # One microsecond later the due moment lies on 9 Oct itself.
        (sh(2025, 10, 9) + timedelta(microseconds=1), 0, time(9), utc(2025, 10, 9, 1)),
        (sh(2026, 2, 25), 1, time(9), utc(2026, 2, 14, 1)),  # back over Spring Festival
    ],
)
def test_working_days_before(due: datetime, days: int, at: time, expected: datetime) -> None:
    result = CAL.working_days_before(due, days, at)
    assert result == expected
    assert result.tzinfo is UTC


def test_working_days_before_default_time_is_nine() -> None:
    assert CAL.working_days_before(DUE, 1) == utc(2025, 10, 13, 1)


def test_working_days_before_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="at least 0"):
        CAL.working_days_before(DUE, -1)
    with pytest.raises(ValueError, match="naive"):
        CAL.working_days_before(DUE, 1, time(9, tzinfo=UTC))


def test_reminder_round_trip() -> None:
    due = CAL.add_working_days(sh(2025, 9, 30, 10), 5)
    assert CAL.working_days_before(due, 0) == sh(2025, 10, 14, 9)


@given(
    start=st.datetimes(
        min_value=datetime(2025, 1, 1),
        max_value=datetime(2025, 12, 31, 23, 59),
        timezones=st.sampled_from([SHANGHAI, UTC, NEW_YORK]),
    ),
    n=st.integers(min_value=1, max_value=30),
)
def test_add_working_days_counts_exactly_n(start: datetime, n: int) -> None:
    result = CAL.add_working_days(start, n)
    local = result.astimezone(SHANGHAI)
    assert result.tzinfo is UTC
    assert local.time() == time(0)
    nth = local.date() - timedelta(days=1)
    first = start.astimezone(SHANGHAI).date() + timedelta(days=1)
    # Count with the package directly, not with the code under test.
    days = [first + timedelta(days=i) for i in range((nth - first).days + 1)]
    assert sum(1 for d in days if chinese_calendar.is_workday(d)) == n
    assert chinese_calendar.is_workday(nth)
