"""`honorflow objection`: record an objection, list them, the unit's answer, the team's decision."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from config.dates import local_day
from workflow.attachments.content import Upload, read_limited
from workflow.queries import objections as read_objections
from workflow.services import objections
from workflow.services.attachments import Files


def register(cli: click.Group) -> None:
    cli.add_command(objection)


@click.group()
def objection() -> None:
    """Objections raised during the public notice."""


def _files(rt: Runtime, paths: tuple[Path, ...]) -> Files:
    """The files named on the command line, each read no further than the limit."""
    limit = rt.wiring.settings.attachment_max_bytes
    uploads = []
    for path in paths:
        with path.open("rb") as handle:
            uploads.append(Upload(path.name, read_limited(handle.read, limit)))
    return Files(rt.wiring.attachment_store(), tuple(uploads), limit)


FILE_OPTION = click.option(
    "--file",
    "paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a PDF, JPEG or PNG to attach (repeatable)",
)


@objection.command("record")
@click.argument("nomination_id", type=int)
@click.option("--source", type=click.Choice(objections.SOURCES), required=True)
@click.option("--content", required=True)
@click.option("--received", type=click.DateTime(["%Y-%m-%d"]), help="date received (postmark)")
@click.option("--reporter", help="real name of an individual")
@click.option("--contact", help="phone or address of an individual")
@click.option("--unit-stamp", help="the stamping unit, for a unit's letter")
@FILE_OPTION
@actor_option("team_reviewer:working_team")
@pass_runtime
def record(
    rt: Runtime,
    nomination_id: int,
    source: str,
    content: str,
    received: datetime | None,
    reporter: str | None,
    contact: str | None,
    unit_stamp: str | None,
    paths: tuple[Path, ...],
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """The working team records an objection and opens the unit's investigation."""
    now = now_utc()
    data = objections.ObjectionInput(
        source,
        content,
        received.date() if received else local_day(now),
        reporter,
        contact,
        unit_stamp,
    )
    files = _files(rt, paths)
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        row = objections.record_for_team(uow, actor, nomination_id, data, now, files)
        due_at = row.answer_due_at
        out = {
            "id": row.id,
            "reference": row.reference,
            "answer_due_at": due_at.isoformat() if due_at else None,
        }
        due = words.deadline(row.answer_due_at)
    reference = words.say("objection_reference", reference=row.reference)
    rt.emit(out, words.say("objection_recorded", id=row.id, due=due) + "\n" + reference)


@objection.command("list")
@click.argument("nomination_id", type=int)
@actor_option()
@pass_runtime
def list_objections(
    rt: Runtime, nomination_id: int, actor_spec: str, actor_name: str | None
) -> None:
    """The objections to a nomination; who raised them is masked unless you may see it."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        rows = read_objections.objections_of(uow, actor, nomination_id, now_utc())
        data = [asdict(o) for o in rows]
    rt.emit(
        data,
        "\n".join(
            f"{d['id']:>6} {d['reference'] or '':<13} "
            f"{words.pad(words.label('objection', d['status']), 8)} "
            f"{d['reporter_name'] or d['unit_stamp'] or '':<12} "
            f"{d['contact'] or '':<14} {d['content']}"
            for d in data
        )
        or words.say("no_objections"),
    )


@objection.command("answer")
@click.argument("objection_id", type=int)
@click.option("--findings", required=True, help="the unit's findings, as signed")
@FILE_OPTION
@actor_option("unit_clerk")
@pass_runtime
def answer(
    rt: Runtime,
    objection_id: int,
    findings: str,
    paths: tuple[Path, ...],
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """The nominee's unit answers with its findings (and its report); the team then decides."""
    files = _files(rt, paths)
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        row = objections.answer_objection(uow, objection_id, findings, actor, now_utc(), files)
        status = row.status
    rt.emit(
        {"id": objection_id, "status": status, "files": len(paths)},
        words.say("objection_answered", id=objection_id, files=len(paths)),
    )


@objection.command("decide")
@click.argument("objection_id", type=int)
@click.option("--outcome", type=click.Choice(["upheld", "dismissed"]), required=True)
@click.option("--reason", required=True, help="why the team decides so (recorded)")
@actor_option("team_reviewer:working_team")
@pass_runtime
def decide(
    rt: Runtime,
    objection_id: int,
    outcome: str,
    reason: str,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """The working team decides an answered objection: upheld removes the nominee."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        row = objections.decide_objection(uow, objection_id, outcome, reason, actor, now_utc())
        status = row.status
    shown = words.label("objection", status)
    rt.emit(
        {"id": objection_id, "status": status},
        words.say("objection_resolved", id=objection_id, status=shown),
    )
