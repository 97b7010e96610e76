"""How records kept as text are shown to a person: audit events, actors and times.

The audit stores what happened as codes (`task_clear`, `refused:approve`) and the actor as
`name (role@department)`; the pages and the CLI show them by their labels in the reader's
locale (事件 `event.*`, triggers, roles) and times in Beijing time as offices write them
(2026年12月1日9时30分). Here, below `workflow/`, so that the web and the CLI share one way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from config import catalogue

BEIJING = ZoneInfo("Asia/Shanghai")
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


def moment(value: datetime | str | None, locale: str = catalogue.DEFAULT) -> str:
    """An instant in Beijing time: 2026年12月1日9时30分 in Chinese, 2026-12-01 09:30 in English."""
    if value is None or value == "":
        return "-"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = at.astimezone(BEIJING)
    if (catalogue.normalise(locale) or catalogue.DEFAULT) == catalogue.DEFAULT:
        minutes = f"{local.minute}分" if local.minute else ""  # 9时, 9时5分, 9时30分
        return f"{local.year}年{local.month}月{local.day}日{local.hour}时{minutes}"
    return local.strftime("%Y-%m-%d %H:%M")
