"""The working-day calendar: Chinese public holidays, make-up working days and admin overrides.

Working days are counted in Asia/Shanghai; instants go in and come out timezone-aware, and the
instants this module returns are in UTC (store UTC, count in Shanghai).

A day is looked up in this order: an administrator's override of that day; the schedule
loaded for its year (`workflow.calendar_schedule`, stored in `calendar_years`); the installed
`chinesecalendar` package's years; otherwise it is refused (CalendarRangeError), never guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar
from chinese_calendar import constants as _cc_constants

from config.catalogue import Listing, Message, msg
from workflow.calendar_schedule import YearSchedule
from workflow.errors import CalendarRangeError

SHANGHAI = ZoneInfo("Asia/Shanghai")

_ONE_DAY = timedelta(days=1)


@cache
def _known_years() -> tuple[int, int]:
    """First and last year the installed package has holiday data for."""
    # Read the range from the package's own tables so a package upgrade widens it by itself.
    known: set[date] = set(_cc_constants.holidays) | set(_cc_constants.workdays)
    years = {d.year for d in known}
    return min(years), max(years)


def _require_aware(moment: datetime, name: str) -> None:
    """Refuse naive datetimes: a deadline without a timezone is ambiguous by up to a day."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, got naive {moment.isoformat()}"
        )


def _local_day(moment: datetime) -> date:
    """The Shanghai calendar day on which an aware instant falls."""
    return moment.astimezone(SHANGHAI).date()


def package_years() -> range:
    """The years the installed holiday package knows."""
    first, last = _known_years()
    return range(first, last + 1)


def year_spans(years: set[int]) -> list[tuple[int, int]]:
    """Years as runs of consecutive years: {2004, …, 2027, 2029} -> [(2004, 2027), (2029, 2029)]."""
    spans: list[tuple[int, int]] = []
    for year in sorted(years):
        if spans and spans[-1][1] == year - 1:
            spans[-1] = (spans[-1][0], year)
        else:
            spans.append((year, year))
    return spans


def _years_shown(first: int, last: int) -> Message:
    if first == last:
        return msg("calendar.year_one", year=first)
    return msg("calendar.year_span", first=first, last=last)


@lru_cache(maxsize=4096)
def _package_says_working(day: date) -> bool:
    # The package's answer never changes within a process; deadline sweeps ask it often.
    return bool(chinese_calendar.is_workday(day))


class WorkingCalendar:
    """Chinese working days: admin overrides, then loaded schedules, then `chinese_calendar`."""

    def __init__(
        self,
        overrides: Mapping[date, bool] | None = None,
        schedules: Mapping[int, YearSchedule] | None = None,
    ) -> None:
        # Copy so a caller mutating its dict later cannot change deadlines already computed.
        self.overrides: Mapping[date, bool] = MappingProxyType(dict(overrides or {}))
        self.schedules: Mapping[int, YearSchedule] = MappingProxyType(dict(schedules or {}))
        self.first_year, self.last_year = _known_years()

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(years={self.first_year}..{self.last_year}, "
            f"loaded={sorted(self.schedules)}, overrides={len(self.overrides)})"
        )

    def knows_year(self, year: int) -> bool:
        """Whether the year has a schedule (loaded, or in the package); overrides do not count."""
        return year in self.schedules or self.first_year <= year <= self.last_year

    def known_years(self) -> set[int]:
        """Every year with a schedule."""
        return set(self.schedules) | set(range(self.first_year, self.last_year + 1))

    def _refusal(self, day: date) -> CalendarRangeError:
        spans = year_spans(self.known_years())
        if len(spans) == 1:
            first, last = spans[0]
            return CalendarRangeError(
                msg("error.outside_calendar", day=day, first=date(first, 1, 1),
                    last=date(last, 12, 31))
            )  # fmt: skip
        shown = [_years_shown(first, last) for first, last in spans]
        return CalendarRangeError(
            msg("error.calendar_year_unknown", day=day, year=day.year, years=Listing(tuple(shown)))
        )

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day; CalendarRangeError outside the known years."""
        if isinstance(day, datetime):
            # datetime is a date subclass; silently dropping its time would hide a caller bug.
            raise TypeError(f"expected a date, got datetime {day.isoformat()}")
        override = self.overrides.get(day)
        if override is not None:
            return override
        schedule = self.schedules.get(day.year)
        if schedule is not None:
            return schedule.is_working_day(day)
        if not self.first_year <= day.year <= self.last_year:
            # Refuse rather than guess: an unknown year may have make-up working weekends.
            raise self._refusal(day)
        return _package_says_working(day)

    def working_days_between(self, start: date, end: date) -> int:
        """Number of working days in [start, end], both ends included; 0 if end < start."""
        count = 0
        day = start
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += _ONE_DAY
        return count

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        candidate = day + _ONE_DAY
        while not self.is_working_day(candidate):
            candidate += _ONE_DAY
        return candidate

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before `day`."""
        candidate = day - _ONE_DAY
        while not self.is_working_day(candidate):
            candidate -= _ONE_DAY
        return candidate

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The UTC instant ending the `days`-th Shanghai working day after start's local day."""
        _require_aware(start, "start")
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        # Legal convention: the day on which the period starts is not counted.
        day = _local_day(start)
        for _ in range(days):
            day = self.next_working_day(day)
        end_of_day = datetime.combine(day + _ONE_DAY, time(0), tzinfo=SHANGHAI)
        return end_of_day.astimezone(UTC)

    def working_days_before(self, due: datetime, days: int, at: time = time(9, 0)) -> datetime:
        """UTC instant of local time `at` on the working day `days` working days before `due`."""
        _require_aware(due, "due")
        if days < 0:
            raise ValueError(f"days must be at least 0, got {days}")
        if at.tzinfo is not None:
            raise ValueError(f"at is a Shanghai wall-clock time and must be naive, got {at}")
        # A due instant of local midnight belongs to the day before it, hence the microsecond.
        last_day = _local_day(due - timedelta(microseconds=1))
        # If the due date falls on a rest day, the last working day before it is the anchor.
        if not self.is_working_day(last_day):
            last_day = self.previous_working_day(last_day)
        day = last_day
        for _ in range(days):
            day = self.previous_working_day(day)
        return datetime.combine(day, at, tzinfo=SHANGHAI).astimezone(UTC)
