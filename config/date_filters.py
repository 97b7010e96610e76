"""The Jinja filters that write times on pages and in e-mails, one per concept.

`{{ at|instant }}` 2026年12月1日9时30分（北京时间） (`instant(zone=False)` where a column or
the page says the zone), `{{ d|day }}` 2026年12月1日, `{{ start|period(end, n) }}`
2026年12月1日至12月7日（5个工作日）, `{{ due|deadline }}` 2026年12月15日24时（北京时间）.
Each reads the locale of what it renders (a page's `lang`, a message's `locale`) and writes
through `config/display.py`; none is reached without a value ("-" for none).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from config import catalogue, display
from config.display import Instant

NONE = "-"


def _locale(ctx: Context) -> str:
    """The locale being rendered: a message's `locale`, else a page's `lang`."""
    found = ctx.get("locale") or ctx.get("lang")
    return catalogue.normalise(found if isinstance(found, str) else None) or catalogue.DEFAULT


@pass_context
def instant(ctx: Context, value: Instant | None, zone: bool = True) -> str:
    """An instant in Beijing time, with the zone named unless `zone=False`."""
    if value is None or value == "":
        return NONE
    if not zone:
        return display.moment(value, _locale(ctx))
    return catalogue.render(display.instant(value), _locale(ctx))


@pass_context
def day(ctx: Context, value: date | Instant | None) -> str:
    """A day (or an instant's Beijing day): 2026年12月1日."""
    if value is None or value == "":
        return NONE
    return catalogue.join([display.day(value)], _locale(ctx))


@pass_context
def period(
    ctx: Context, start: date | Instant | None, end: date | Instant | None, working: Any = None
) -> str:
    """A period as its first and last day, with its working days when counted."""
    if start is None or end is None:
        return NONE
    days = working if isinstance(working, int) else None
    return catalogue.join([display.period(start, end, days)], _locale(ctx))


@pass_context
def deadline(ctx: Context, value: Instant | None) -> str:
    """A deadline as the end of a named day (or its hour): 2026年12月15日24时（北京时间）."""
    if value is None or value == "":
        return NONE
    return catalogue.render(display.deadline(value), _locale(ctx))


FILTERS = {"instant": instant, "day": day, "period": period, "deadline": deadline}
