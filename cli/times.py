"""Times typed on the command line: without a zone they are Beijing time (config/dates.py).

`INSTANT` (`--now 2026-12-01 10:00`) and `DEADLINE` (a day alone is the end of that day).
A value that is not a time is a usage error naming the option and showing the accepted
forms, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import click

from cli import words
from config.dates import parse_deadline, parse_instant


class _Time(click.ParamType[datetime, object]):
    """A click parameter read by one of the conversions of config/dates.py."""

    def __init__(self, name: str, parse: Callable[[str], datetime]) -> None:
        self.name, self._parse = name, parse

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        """The instant typed; a bad value fails naming the option."""
        if isinstance(value, datetime):
            return value
        try:
            return self._parse(str(value))
        except ValueError:
            self.fail(words.say("bad_time", value=value), param, ctx)


INSTANT = _Time("time", parse_instant)
DEADLINE = _Time("deadline", parse_deadline)
