"""`honorflow queue`, `revoke`: the reviewers' and committee's work (`decide` lives in
`cli/commands_decide.py`, `objection` in `cli/commands_objection.py`)."""

from __future__ import annotations

from typing import Any

import click

from cli import words
from cli.commands_decide import decide
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from workflow.queries import tasks as read_tasks
from workflow.services import committee, reviews


def register(cli: click.Group) -> None:
    for command in (queue, decide, revoke):
        cli.add_command(command)


@click.group()
def queue() -> None:
    """Review tasks: list your department's queue, claim, complete."""


@queue.command("list")
@click.option("--department", help="default: your own (from --as)")
@click.option("--limit", type=int, default=50, show_default=True)
@actor_option("admin")
@pass_runtime
def list_tasks(
    rt: Runtime, department: str | None, limit: int, actor_spec: str, actor_name: str | None
) -> None:
    """Open tasks, soonest due first; overdue ones are marked."""
    now = now_utc()
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        found = read_tasks.list_tasks(uow, actor, now, department=department, limit=limit)
        data = [_task_row(row) for row in found.items]
    rt.emit(data, "\n".join(_queue_line(d) for d in data) or words.say("queue_empty"))


def _queue_line(d: dict[str, Any]) -> str:
    """One task of a queue: nominee, stage, status, due time; overdue marked."""
    stage = words.pad(words.label("state", d["stage"]), 12)
    status = words.pad(words.label("page", "task_" + d["status"]), 8)
    due = words.say("due", at=words.deadline(d["due_at"]))
    late = "  " + words.say("overdue") if d["overdue"] else ""
    nominee = words.say("nomination_no", id=d["nomination_id"])
    return f"{d['id']:>6}  {words.pad(nominee, 12)} {stage} {status} {due}{late}"


def _task_row(row: read_tasks.TaskRow) -> dict[str, Any]:
    t = row.task
    return {
        "id": t.id,
        "nomination_id": t.nomination_id,
        "nominee": row.nominee,
        "recused": row.recused,
        "stage": t.stage,
        "department": t.department,
        "status": t.status,
        "assignee": t.assignee,
        "assignee_user_id": t.assignee_user_id,
        "due_at": t.due_at.isoformat() if t.due_at else None,
        "overdue": row.overdue,
    }


@queue.command("show")
@click.argument("task_id", type=int)
@actor_option("department_reviewer")
@pass_runtime
def show_task(rt: Runtime, task_id: int, actor_spec: str, actor_name: str | None) -> None:
    """One task of your queue with its nominee (refused, and audited, if you are recused)."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        found = read_tasks.task_detail(uow, actor, task_id, now_utc())
        # The nominee's facts as this reader may see them (the API's task detail has them too).
        data = {**_task_row(found.row), "opinion": found.task.opinion}
        data["facts"] = found.view.shown_facts
    stage, status = (
        words.label("state", data["stage"]),
        words.label("page", "task_" + data["status"]),
    )
    rt.emit(
        data,
        words.say(
            "task_line", id=data["id"], nominee=data["nominee"] or "-", stage=stage, status=status
        ),
    )


@queue.command("claim")
@click.argument("task_id", type=int)
@actor_option("department_reviewer")
@pass_runtime
def claim(rt: Runtime, task_id: int, actor_spec: str, actor_name: str | None) -> None:
    """Claim an open task of your department."""
    with rt.uow() as uow:
        task = reviews.claim(uow, task_id, resolve_actor(uow, actor_spec, actor_name), now_utc())
        data = {"id": task.id, "status": task.status, "assignee": task.assignee}
    rt.emit(data, words.say("claimed", id=data["id"], name=data["assignee"]))


@queue.command("complete")
@click.argument("task_id", type=int)
@click.option(
    "--outcome", required=True, help="pass/fail/return (team), clear/object (departments)"
)
@click.option("--opinion", required=True, help="the written opinion")
@actor_option("department_reviewer")
@pass_runtime
def complete(
    rt: Runtime, task_id: int, outcome: str, opinion: str, actor_spec: str, actor_name: str | None
) -> None:
    """Complete a task with an outcome and a written opinion."""
    with rt.uow() as uow:
        result = reviews.complete(
            uow, task_id, resolve_actor(uow, actor_spec, actor_name), outcome, opinion, now_utc()
        )
    done = words.say("completed", id=task_id, outcome=words.outcome(outcome))
    if result:
        source, target = (
            words.label("state", result.from_state),
            words.label("state", result.to_state),
        )
        done += words.say("completed_moved", source=source, target=target)
    rt.emit(
        {"task": task_id, "outcome": outcome, "transition": result.__dict__ if result else None},
        done,
    )


@click.command()
@click.argument("nomination_id", type=int)
@click.option("--reason", required=True)
@actor_option("admin")
@pass_runtime
def revoke(
    rt: Runtime, nomination_id: int, reason: str, actor_spec: str, actor_name: str | None
) -> None:
    """Revoke an awarded honour (撤销称号)."""
    with rt.uow() as uow:
        result = committee.revoke(
            uow, nomination_id, reason, resolve_actor(uow, actor_spec, actor_name), now_utc()
        )
    rt.emit(result.__dict__, words.say("revoked", id=nomination_id))
