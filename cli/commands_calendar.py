"""`honorflow calendar`: the working-day calendar and its overrides."""

from __future__ import annotations

from datetime import datetime

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, parse_actor, pass_runtime
from cli.times import INSTANT
from config.dates import BEIJING
from workflow.services import calendar as calendar_service
from workflow.step import load_calendar


def register(cli: click.Group) -> None:
    cli.add_command(calendar)


DATE = click.DateTime(["%Y-%m-%d"])


@click.group()
def calendar() -> None:
    """Working days (Chinese holidays and make-up days, plus overrides)."""


@calendar.command("override")
@click.argument("day", type=DATE)
@click.option("--working/--rest", required=True, help="make the day a working day or a rest day")
@click.option("--note", default="", help="why (e.g. the provincial notice that moved it)")
@actor_option()
@pass_runtime
def override(
    rt: Runtime, day: datetime, working: bool, note: str, actor_spec: str, actor_name: str | None
) -> None:
    """Override one day."""
    with rt.uow() as uow:
        calendar_service.set_override(
            uow, day.date(), working, note, parse_actor(actor_spec, actor_name), now_utc()
        )
    kind = words.say("working_day" if working else "rest_day")
    rt.emit(
        {"day": day.date(), "working": working}, words.say("day_now", day=day.date(), kind=kind)
    )


@calendar.command("remove")
@click.argument("day", type=DATE)
@actor_option()
@pass_runtime
def remove(rt: Runtime, day: datetime, actor_spec: str, actor_name: str | None) -> None:
    """Remove the override of one day."""
    with rt.uow() as uow:
        removed = calendar_service.remove_override(
            uow, day.date(), parse_actor(actor_spec, actor_name), now_utc()
        )
    rt.emit(
        {"day": day.date(), "removed": removed},
        words.say("override_removed" if removed else "override_missing", day=day.date()),
    )


@calendar.command("list")
@pass_runtime
def list_overrides(rt: Runtime) -> None:
    """All overrides."""
    with rt.uow() as uow:
        data = [
            {"day": o.day, "working": o.is_working_day, "note": o.note}
            for o in calendar_service.list_overrides(uow)
        ]
    rt.emit(
        data,
        "\n".join(
            f"{d['day']}  {words.pad(words.say('working_day' if d['working'] else 'rest_day'), 8)} "
            f"{d['note']}"
            for d in data
        )
        or words.say("no_overrides"),
    )


@calendar.command("add")
@click.argument("start", type=INSTANT)
@click.argument("days", type=int)
@pass_runtime
def add(rt: Runtime, start: datetime, days: int) -> None:
    """When N working days from START (without a zone: Beijing time) end."""
    with rt.uow() as uow:
        due = load_calendar(uow).add_working_days(start, days)
    local = due.astimezone(BEIJING)
    rt.emit(
        {"start": start, "days": days, "due_utc": due, "due_local": local},
        words.say("days_end", n=days, start=words.instant(start), end=words.deadline(due)),
    )
