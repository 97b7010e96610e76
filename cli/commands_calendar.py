"""`honorflow calendar`: the working-day calendar and its overrides."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, parse_actor, pass_runtime, resolve_actor
from cli.times import INSTANT
from config.dates import BEIJING
from workflow.calendar_schedule import MAX_BYTES, schedule_text
from workflow.queries import calendar as calendar_queries
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


@calendar.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@actor_option()
@pass_runtime
def load(rt: Runtime, path: Path, actor_spec: str, actor_name: str | None) -> None:
    """Load a year's holiday schedule (replaces that year's; see config/calendar/README.md)."""
    with path.open("rb") as handle:
        text = schedule_text(handle.read(MAX_BYTES + 1), path.name)
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        done = calendar_service.load_year(uow, text, path.name, actor, now_utc())
    s = done.schedule
    figures = {"year": s.year, "holidays": len(s.holidays), "rest_days": len(s.rest_days),
               "workdays": len(s.workdays)}  # fmt: skip
    key = "calendar_year_replaced" if done.replaced else "calendar_year_loaded"
    rt.emit({**figures, "replaced": done.replaced, "file": path.name}, words.say(key, **figures))


@calendar.command("years")
@actor_option()
@pass_runtime
def years(rt: Runtime, actor_spec: str, actor_name: str | None) -> None:
    """The years the calendar knows, and where each comes from."""
    with rt.uow() as uow:
        known = calendar_queries.known_years(uow, resolve_actor(uow, actor_spec, actor_name))
    loaded = [
        {"year": r.year, "holidays": r.holidays, "rest_days": r.rest_days,
         "workdays": r.workdays, "file": r.source, "loaded_by": r.loaded_by,
         "loaded_at": r.loaded_at}
        for r in known.loaded
    ]  # fmt: skip
    package = {"first": known.package_first, "last": known.package_last,
               "version": known.package_version, "replaced": known.replaced}  # fmt: skip
    lines = [
        words.say("calendar_year_line", year=r.year, rest=r.rest_days, workdays=r.workdays,
                  file=r.source, who=r.loaded_by, at=words.when(r.loaded_at))
        for r in known.loaded
    ]  # fmt: skip
    lines.append(
        words.say("calendar_package_line", first=known.package_first, last=known.package_last,
                  version=known.package_version, replaced=known.replaced or "-")
    )  # fmt: skip
    rt.emit({"loaded": loaded, "package": package}, "\n".join(lines))
