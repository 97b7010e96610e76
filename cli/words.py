"""The command line's words: the catalogue in HONORFLOW_LOCALE (default zh-CN).

Human output shows states, triggers, roles, stages and outcomes by their labels and times in
Beijing time as offices write them; `--json` keeps the codes and ISO times.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from config import catalogue, display


def locale() -> str:
    """The CLI's locale, read at each use (tests set HONORFLOW_LOCALE per run)."""
    return catalogue.cli_locale()


def say(key: str, /, **figures: Any) -> str:
    """A CLI text (`cli.<key>`) with its figures, in the CLI's locale."""
    return catalogue.text(f"cli.{key}", locale(), **figures)


def label(area: str, code: str | None) -> str:
    """A code's label (`state`, `trigger`, `role`, `stage_kind`, …); unknown codes as they are."""
    if area == "state" and code:
        return catalogue.state_label(code, locale())
    return catalogue.label(area, code, locale())


def outcome(code: str | None) -> str:
    """A review outcome's label (pass, clear, object, …)."""
    return catalogue.label("page", f"outcome_{code}", locale()) if code else "-"


def role(code: str) -> str:
    """A role's label."""
    return catalogue.label("role", code, locale())


def rank(code: str) -> str:
    """main, `alternate N` or a plain `alternate`, by its words."""
    if code == "main":
        return say("rank_main")
    return say("rank_alternate", order=code.removeprefix("alternate").strip()).strip()


def phase(code: str) -> str:
    """A campaign phase's label."""
    return catalogue.label("page", f"phase_{code}", locale())


def event(trigger: str | None) -> str:
    """An audit event's label."""
    return display.event_label(trigger, locale())


def actor(recorded: str | None) -> str:
    """An audit actor as name (role)."""
    return display.actor_label(recorded, locale())


def when(moment: datetime | str | None) -> str:
    """An instant in Beijing time, as the locale writes it (the zone left to the context)."""
    return display.moment(moment, locale())


def instant(moment: datetime | str | None) -> str:
    """An instant in Beijing time with the zone named: 2026年12月1日10时（北京时间）."""
    return "-" if moment is None else catalogue.render(display.instant(moment), locale())


def deadline(moment: datetime | str | None) -> str:
    """A deadline as the end of a named day: 2026年12月15日24时（北京时间）."""
    return "-" if moment is None else catalogue.render(display.deadline(moment), locale())


def joined(items: list[Any], style: str = "and") -> str:
    """Labels or texts joined the locale's way (、 / , )."""
    return catalogue.join(items, locale(), style)


def cells(text: str) -> int:
    """How many display cells a text takes (a Chinese character takes two)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """Left-align in a column of `width` display cells (a Chinese character takes two)."""
    return text + " " * max(width - cells(text), 0)
