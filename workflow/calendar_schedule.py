"""One year's official schedule (the State Council's notice) as data: its format and its checks.

A schedule file (YAML, read by the bounded loader) says which days of one year are holidays,
by name and date range, and which weekend days are make-up working days (调休上班):

    year: 2027
    notice: 国务院办公厅关于2027年部分节假日安排的通知     # optional: where it comes from
    holidays:
      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
      - {name: 春节, from: 2027-02-05, to: 2027-02-11}
    workdays: [2027-02-06]                               # 调休上班

Every other day is a working day from Monday to Friday and a rest day at the weekend. A
schedule that contradicts itself is refused as a whole, each problem naming the day.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import yaml

from config.catalogue import Label, Message, msg
from config.dates import Period
from workflow.bounded_yaml import YamlRefused, excerpt, load_bounded
from workflow.errors import CalendarScheduleInvalid

KEYS = ("year", "notice", "holidays", "workdays")
HOLIDAY_KEYS = ("name", "from", "to")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{4})年(\d{1,2})月(\d{1,2})日")
_ONE_DAY = timedelta(days=1)
# A year's schedule is well under 2 KB; a file far larger is not one.
MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Holiday:
    """A named holiday: its days off from `first` to `last`, both included."""

    name: str
    first: date
    last: date

    def days(self) -> Iterator[date]:
        """Each day off, in order."""
        day = self.first
        while day <= self.last:
            yield day
            day += _ONE_DAY


@dataclass(frozen=True)
class YearSchedule:
    """One year's holidays and make-up working days; every other day follows the week."""

    year: int
    holidays: tuple[Holiday, ...]
    workdays: frozenset[date]
    notice: str = ""

    @cached_property
    def rest_days(self) -> frozenset[date]:
        """Every day off of every holiday."""
        return frozenset(day for holiday in self.holidays for day in holiday.days())

    def is_working_day(self, day: date) -> bool:
        """Whether a day of this year is a working day."""
        if day in self.workdays:
            return True
        return day not in self.rest_days and day.weekday() < 5

    def as_json(self) -> dict[str, Any]:
        """The schedule as stored: ISO dates, holidays in order, make-up days sorted."""
        return {
            "year": self.year,
            "notice": self.notice,
            "holidays": [
                {"name": h.name, "from": h.first.isoformat(), "to": h.last.isoformat()}
                for h in self.holidays
            ],
            "workdays": sorted(d.isoformat() for d in self.workdays),
        }

    @property
    def checksum(self) -> str:
        """A digest of the days (not of the file's spelling): the same schedule, the same sum."""
        days = self.as_json()
        del days["notice"]
        return hashlib.sha256(json.dumps(days, ensure_ascii=False).encode()).hexdigest()


def schedule_from_json(data: Mapping[str, Any]) -> YearSchedule:
    """A stored schedule (written by `YearSchedule.as_json`) read back."""
    holidays = tuple(
        Holiday(h["name"], date.fromisoformat(h["from"]), date.fromisoformat(h["to"]))
        for h in data["holidays"]
    )
    workdays = frozenset(date.fromisoformat(d) for d in data["workdays"])
    return YearSchedule(int(data["year"]), holidays, workdays, str(data.get("notice") or ""))


def schedule_text(data: bytes, file: str) -> str:
    """A schedule file's bytes as text (UTF-8, with or without BOM), within MAX_BYTES."""
    if len(data) > MAX_BYTES:
        raise CalendarScheduleInvalid(file, [msg("calendar.too_large", limit=MAX_BYTES // 1024)])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarScheduleInvalid(file, [msg("calendar.not_utf8")]) from None


def parse_schedule(text: str, file: str) -> YearSchedule:
    """The schedule in a file's text; CalendarScheduleInvalid listing every problem found."""
    data = _document(text, file)
    problems: list[Message] = [
        msg("calendar.unknown_key", key=excerpt(k), allowed=list(KEYS))
        for k in data
        if k not in KEYS
    ]
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        problems.append(msg("calendar.bad_year", value=excerpt(year)))
        year = None
    holidays = _holidays(data.get("holidays"), year, problems)
    workdays = _workdays(data.get("workdays"), year, problems)
    _contradictions(holidays, workdays, problems)
    if problems or year is None:
        raise CalendarScheduleInvalid(file, problems)
    notice = data.get("notice")
    return YearSchedule(year, tuple(holidays), frozenset(workdays), excerpt(notice or "", 200))


def _document(text: str, file: str) -> dict[Any, Any]:
    """The file's top-level mapping, or the one problem that stops reading it."""
    if not text.strip():
        raise CalendarScheduleInvalid(file, [msg("calendar.empty")])
    try:
        data = load_bounded(text, dates_as_text=True)
    except YamlRefused as refused:
        raise CalendarScheduleInvalid(file, [refused.problem]) from None
    except yaml.YAMLError as bad:
        mark = getattr(bad, "problem_mark", None)
        problem = (
            msg("definition.not_yaml", line=mark.line + 1, column=mark.column + 1)
            if mark is not None
            else msg("definition.not_yaml_at_all")
        )
        raise CalendarScheduleInvalid(file, [problem]) from None
    if data is None:
        raise CalendarScheduleInvalid(file, [msg("calendar.empty")])
    if not isinstance(data, dict):
        raise CalendarScheduleInvalid(file, [msg("calendar.not_a_mapping", allowed=list(KEYS))])
    return data


def _day(value: object, year: int | None, where: Message, problems: list[Message]) -> date | None:
    """A date written 2027-02-06 (or 2027年2月6日) in the stated year, or a problem naming it."""
    if value is None:
        problems.append(msg("calendar.no_date", where=where))
        return None
    found = _DATE.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        parts = [int(p) for p in found.groups() if p is not None] if found else []
        day = date(*parts) if parts else None
    except ValueError:
        day = None
    if day is None:
        problems.append(msg("calendar.not_a_date", where=where, value=excerpt(value)))
    elif year is not None and day.year != year:
        problems.append(msg("calendar.outside_year", where=where, day=day, year=year))
    return day


def _at(key: str, n: int, name: object) -> Message:
    """Where a holiday's date is: its number, name and key (`from` or `to`)."""
    code = "calendar.holiday_from" if key == "from" else "calendar.holiday_to"
    return msg(code, n=n, name=excerpt(name or "-"), key=key)


def _holidays(raw: object, year: int | None, problems: list[Message]) -> list[Holiday]:
    """The holiday entries that could be read; the others leave a problem each."""
    if not isinstance(raw, list) or not raw:
        problems.append(msg("calendar.no_holidays"))
        return []
    found: list[Holiday] = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            problems.append(msg("calendar.holiday_not_mapping", n=n, allowed=list(HOLIDAY_KEYS)))
            continue
        name = entry.get("name")
        where = msg("calendar.holiday_at", n=n, name=excerpt(name or "-"))
        unknown = [excerpt(k) for k in entry if k not in HOLIDAY_KEYS]
        if unknown:
            problems.append(
                msg("calendar.holiday_unknown_key", where=where, keys=unknown,
                    allowed=list(HOLIDAY_KEYS))
            )  # fmt: skip
        if not isinstance(name, str) or not name.strip():
            problems.append(msg("calendar.holiday_no_name", where=where))
        first = _day(entry.get("from"), year, _at("from", n, name), problems)
        # A one-day holiday may leave out its last day.
        last = _day(entry["to"], year, _at("to", n, name), problems) if "to" in entry else first
        if first and last and last < first:
            problems.append(msg("calendar.backwards", where=where, first=first, last=last))
        elif first and last and isinstance(name, str) and name.strip():
            found.append(Holiday(name.strip(), first, last))
    return found


def _workdays(raw: object, year: int | None, problems: list[Message]) -> list[date]:
    """The make-up working days that could be read."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(msg("calendar.workdays_not_a_list"))
        return []
    found: list[date] = []
    for n, value in enumerate(raw, start=1):
        day = _day(value, year, msg("calendar.workday_at", n=n, key="workdays"), problems)
        if day is None:
            continue
        if day in found:
            problems.append(msg("calendar.workday_twice", day=day))
        elif day.weekday() < 5:
            weekday = Label("calendar.weekday", WEEKDAYS[day.weekday()])
            problems.append(msg("calendar.workday_not_weekend", day=day, weekday=weekday))
        found.append(day)
    return found


def _contradictions(holidays: list[Holiday], workdays: list[date], problems: list[Message]) -> None:
    """Days claimed twice: by two holidays, or by a holiday and a make-up working day."""
    owner: dict[date, Holiday] = {}
    for holiday in holidays:
        clashed: set[int] = set()  # one line per pair of holidays, naming the first shared day
        for day in holiday.days():
            other = owner.setdefault(day, holiday)
            if other is not holiday and id(other) not in clashed:
                clashed.add(id(other))
                problems.append(
                    msg("calendar.overlap", day=day, name=holiday.name, other=other.name,
                        period=Period(other.first, other.last))
                )  # fmt: skip
    for day in sorted(set(workdays) & set(owner)):
        problems.append(msg("calendar.both", day=day, name=owner[day].name))
