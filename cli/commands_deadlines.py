"""`honorflow deadlines`: list, next, failed, retry, and the sweep (or its dry run)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from workflow.queries import deadline_list
from workflow.queries.deadline_list import KINDS, STATUSES, DeadlineRow
from workflow.services import deadlines


def register(cli: click.Group) -> None:
    """Add these commands to `honorflow deadlines` (its group and `sweep`: commands_outbox)."""
    group = cli.commands["deadlines"]
    assert isinstance(group, click.Group)
    for command in (list_cmd, next_cmd, failed_cmd, retry_cmd):
        group.add_command(command)


@click.command("list")
@click.option("--kind", type=click.Choice(KINDS), help="e.g. reminder (all reminder:N)")
@click.option("--campaign", help="a campaign's code")
@click.option("--due-before", help="ISO time; without a zone Beijing time")
@click.option("--due-after", help="ISO time; without a zone Beijing time")
@click.option("--status", type=click.Choice(STATUSES))
@click.option("--limit", type=int, default=100, show_default=True)
@actor_option()
@pass_runtime
def list_cmd(rt: Runtime, /, actor_spec: str, actor_name: str | None, **typed: Any) -> None:
    """Deadlines matching the filters, soonest due first."""
    wanted = deadline_list.parse_filter(**typed)
    with rt.wiring.new_uow(write=False) as uow:
        rows = deadline_list.list_deadlines(uow, resolve_actor(uow, actor_spec, actor_name), wanted)
    _show(rt, rows)


@click.command("next")
@click.option("--limit", type=int, default=10, show_default=True)
@actor_option()
@pass_runtime
def next_cmd(rt: Runtime, limit: int, actor_spec: str, actor_name: str | None) -> None:
    """The pending deadlines that come due first."""
    with rt.wiring.new_uow(write=False) as uow:
        rows = deadline_list.next_due(uow, resolve_actor(uow, actor_spec, actor_name), limit)
    _show(rt, rows)


@click.command("failed")
@click.option("--limit", type=int, default=100, show_default=True)
@actor_option()
@pass_runtime
def failed_cmd(rt: Runtime, limit: int, actor_spec: str, actor_name: str | None) -> None:
    """Deadlines parked as failed, with their errors (`deadlines retry ID` gives another try)."""
    with rt.wiring.new_uow(write=False) as uow:
        rows = deadline_list.failed(uow, resolve_actor(uow, actor_spec, actor_name), limit)
    _show(rt, rows)


@click.command("retry")
@click.argument("ids", type=int, nargs=-1, required=True)
@actor_option()
@pass_runtime
def retry_cmd(rt: Runtime, ids: tuple[int, ...], actor_spec: str, actor_name: str | None) -> None:
    """Put failed deadlines back to pending (audited); the next sweep fires them."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        rows = deadlines.retry(uow, list(ids), actor, now_utc())
        done = [row.id for row in rows]
    shown = words.joined([f"#{i}" for i in done])
    rt.emit({"retried": done}, words.say("deadlines_retried", ids=shown))


def show_due(rt: Runtime, now: datetime) -> None:
    """`deadlines sweep --dry-run`: what a sweep at `now` would fire, read in a read-only unit
    of work (nothing is claimed, fired or written)."""
    with rt.wiring.new_uow(write=False) as uow:
        rows = deadline_list.due_now(uow, resolve_actor(uow, "admin", None), now)
    rt.emit([_data(r) for r in rows], _text(rows, words.say("sweep_would_fire", n=len(rows))))


def _data(row: DeadlineRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "campaign": row.campaign,
        "kind": row.kind,
        "status": row.status,
        "due_at": row.due_at.isoformat(),
        "fired_at": row.fired_at.isoformat() if row.fired_at else None,
        "attempts": row.attempts,
        "nomination_id": row.nomination_id,
        "task_id": row.task_id,
        "stage": row.stage,
        "outcome": row.outcome,
        "last_error": row.last_error,
    }


def _line(row: DeadlineRow) -> str:
    kind = words.label("deadline_kind", row.kind.split(":", 1)[0])
    if ":" in row.kind:
        kind += " " + row.kind.split(":", 1)[1]
    nomination = f"#{row.nomination_id}" if row.nomination_id else "-"
    note = row.last_error or row.outcome or ""
    status = words.pad(words.label("deadline_status", row.status), 6)
    return (
        f"{row.id:>6}  {words.pad(kind, 14)} {status} {words.when(row.due_at)}  "
        f"{row.campaign:<12} {nomination:<7} {note}"
    )


def _text(rows: list[DeadlineRow], head: str | None = None) -> str:
    lines = [_line(r) for r in rows]
    if head is not None:
        return "\n".join([head, *lines])
    return "\n".join(lines) or words.say("no_deadlines")


def _show(rt: Runtime, rows: list[DeadlineRow]) -> None:
    rt.emit([_data(r) for r in rows], _text(rows))
