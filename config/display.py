"""How records kept as text are shown to a person: audit events, actors and times.

The audit stores what happened as codes (`task_clear`, `refused:approve`) and the actor as
`name (role@department)`; the pages and the CLI show them by their labels in the reader's
locale (事件 `event.*`, triggers, roles) and times in Beijing time as offices write them
(2026年12月1日9时30分). Here, below `workflow/`, so that the web, the CLI and e-mails share
one way; the days and periods themselves come from `config/dates.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

from config import catalogue
from config.catalogue import Message, msg
from config.dates import BEIJING, Period, last_day, parse_instant, period_of

Instant = datetime | str
_ACTOR = re.compile(r"^(?P<name>.*) \((?P<role>[a-z_]+)(?:@(?P<where>[^)]*))?\)$")


def event_label(trigger: str | None, locale: str = catalogue.DEFAULT) -> str:
    """An audit event's label: a trigger's, an event's own (`event.*`), or a composed one."""
    if not trigger:
        return "-"
    for area in ("trigger", "event"):
        if catalogue.has(f"{area}.{trigger}"):
            return catalogue.label(area, trigger, locale)
    kind, sep, rest = trigger.partition(":")
    if sep and catalogue.has(f"event.{kind}"):  # refused:approve, recusal:read
        return catalogue.text(f"event.{kind}", locale, what=event_label(rest, locale))
    if trigger.startswith("task_") and catalogue.has(f"page.outcome_{trigger[5:]}"):
        outcome = catalogue.text(f"page.outcome_{trigger[5:]}", locale)
        return catalogue.text("event.task_done", locale, outcome=outcome)
    if trigger.startswith("objection_") and catalogue.has(f"objection.{trigger[10:]}"):
        status = catalogue.label("objection", trigger[10:], locale)
        return catalogue.text("event.objection_resolved", locale, status=status)
    return trigger


def actor_label(
    recorded: str | None,
    locale: str = catalogue.DEFAULT,
    place: Callable[[str], str | None] = lambda code: None,
) -> str:
    """`王审核 (team_reviewer@working_team)` as `王审核（工作专班审核员，工作专班）`.

    `place` names a department or unit code; a code it cannot name is left out, so no
    code reaches the reader. Anything not in the recorded shape is shown as it is.
    """
    if not recorded:
        return "-"
    found = _ACTOR.match(recorded)
    if found is None:
        return recorded
    role = catalogue.label("role", found["role"], locale)
    where = place(found["where"]) if found["where"] else None
    key = "event.actor_at" if where else "event.actor"
    return catalogue.text(key, locale, name=found["name"], role=role, where=where or "")


def _at(value: Instant) -> datetime:
    """A stored instant; text is ISO 8601, a time without a zone being Beijing time."""
    return parse_instant(value) if isinstance(value, str) else value


def moment(value: Instant | None, locale: str = catalogue.DEFAULT) -> str:
    """An instant in Beijing time, zone left to the context (a column, the page's note):
    2026年12月1日9时30分 in Chinese, 2026-12-01 09:30 in English."""
    if value is None or value == "":
        return "-"
    local = _at(value).astimezone(BEIJING)
    if (catalogue.normalise(locale) or catalogue.DEFAULT) == catalogue.DEFAULT:
        minutes = f"{local.minute}分" if local.minute else ""  # 9时, 9时5分, 9时30分
        return f"{local.year}年{local.month}月{local.day}日{local.hour}时{minutes}"
    return local.strftime("%Y-%m-%d %H:%M")


def instant(value: Instant) -> Message:
    """An instant as a figure with its zone named: 2026年12月1日9时30分（北京时间）."""
    local = _at(value).astimezone(BEIJING)
    if local.minute == 0:
        return msg("time.beijing_hour", date=local.date(), hour=local.hour)
    return msg("time.beijing", date=local.date(), hour=local.hour, minute=local.minute)


def deadline(value: Instant) -> Message:
    """A deadline as a figure: the end of a named day, as offices write it.

    A Beijing midnight is the end of the day before (12月15日24时（北京时间）, never
    "12月16日 00:00"); another time is the instant itself (12月15日17时（北京时间）).
    """
    local = _at(value).astimezone(BEIJING)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return msg("time.day_end", date=last_day(local))
    return instant(local)


def day(value: date | Instant) -> date:
    """The Beijing day of an instant (a date stays as it is)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return _at(value).astimezone(BEIJING).date()


def period(start: date | Instant, end: date | Instant, working_days: int | None = None) -> Period:
    """A period as its first and last day: stored instants [start, end) (end exclusive) or
    days already inclusive (a unit's own notice, typed as its first and last day)."""
    if isinstance(start, datetime | str) and isinstance(end, datetime | str):
        return period_of(_at(start), _at(end), working_days)
    return Period(day(start), day(end), working_days)
