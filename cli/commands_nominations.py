"""`honorflow nominations` and `honorflow act`: import, list, show, and acting on one."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from cli import commands_bulk, words
from cli.commands_audit import audit_event_row
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from workflow.queries import nominations as read
from workflow.services import actions, campaigns, nominations


def register(cli: click.Group) -> None:
    cli.add_command(nominations_group)
    cli.add_command(act)


@click.group("nominations")
def nominations_group() -> None:
    """Nominations: import the units' forms, list, show."""


@nominations_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--campaign", "campaign_ref", help="code or id; default: the one open campaign")
@actor_option()
@pass_runtime
def import_file(
    rt: Runtime, path: Path, campaign_ref: str | None, actor_spec: str, actor_name: str | None
) -> None:
    """Import a CSV or XLSX form; any bad row refuses the whole file."""
    with rt.uow() as uow:
        target = (
            campaigns.find_campaign(uow, campaign_ref)
            if campaign_ref
            else campaigns.open_campaign(uow)
        )
        ids = nominations.import_nominations(
            uow, target.id, path, resolve_actor(uow, actor_spec, actor_name), now_utc()
        )
    rt.emit({"imported": len(ids), "ids": ids}, words.say("imported", n=len(ids)))


@nominations_group.command("list")
@click.argument("campaign_ref")
@click.option("--status", help="only nominations in this state")
@click.option("--unit", "unit_code", help="only this unit's (code)")
@click.option("--limit", type=int, default=200, show_default=True)
@actor_option()
@pass_runtime
def list_nominations(
    rt: Runtime,
    campaign_ref: str,
    status: str | None,
    unit_code: str | None,
    limit: int,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """List a campaign's nominations (those the actor may see)."""
    with rt.uow() as uow:
        target = campaigns.find_campaign(uow, campaign_ref)
        where = read.NominationQuery(target.id, status, unit_code)
        found = read.list_nominations(uow, resolve_actor(uow, actor_spec, actor_name), where, limit)
        data = [
            {
                "id": n.id,
                "name": n.name,
                "unit": n.unit.name,
                "category": n.category,
                "rank": n.rank if n.rank == "main" else f"alternate {n.alternate_order}",
                "status": n.status,
                "version": n.version,
            }
            for n in found.items
        ]
    rt.emit(data, "\n".join(_list_line(d) for d in data) or words.say("none"))


def _list_line(d: dict[str, Any]) -> str:
    status = words.pad(words.label("state", d["status"]), 16)
    category = words.pad(words.label("vocab.category", d["category"]), 16)
    rank = words.pad(words.rank(d["rank"]), 10)
    return f"{d['id']:>6}  {words.pad(d['name'], 10)} {status} {rank} {category} {d['unit']}"


@nominations_group.command("show")
@click.argument("nomination_id", type=int)
@actor_option()
@pass_runtime
def show(rt: Runtime, nomination_id: int, actor_spec: str, actor_name: str | None) -> None:
    """One nomination as the actor may see it: record, the actions they may take, timeline."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        view = read.nomination_detail(uow, actor, nomination_id, now_utc())
        data = _detail(view)
    allowed = [words.label("trigger", t) for t in data["allowed_triggers"]]
    lines = [
        f"{data['name']} — {data['unit']}",
        words.say(
            "status_line", status=words.label("state", data["status"]), version=data["version"]
        ),
        words.say("allowed_line", allowed=words.joined(allowed) if allowed else words.say("none")),
    ]
    if data["end_reason"]:
        lines.append(words.say("reason_line", reason=data["end_reason"]))
    lines.append(words.say("timeline"))
    lines += [
        f"  {words.when(e['at'])}  {words.pad(words.event(e['trigger']), 18)} "
        f"{_move(e['from'], e['to'])}  {words.actor(e['actor'])}  {e['reason'] or ''}".rstrip()
        for e in data["timeline"]
    ]
    rt.emit(data, "\n".join(lines))


def _move(source: str | None, target: str | None) -> str:
    """`from -> to` by the states' labels, or nothing when the event moved no state."""
    if not source and not target:
        return ""
    shown = [words.label("state", s) if s else "" for s in (source, target)]
    return " → ".join(shown)


def _detail(view: read.NominationView) -> dict[str, Any]:
    n = view.nomination
    return {
        "id": n.id,
        "name": n.name,
        "unit": n.unit.name,
        "status": n.status,
        "rank": n.rank,
        "alternate_order": n.alternate_order,
        "version": n.version,
        "honour": n.honour,
        "end_reason": n.end_reason,
        "masked": view.masked,
        "facts": view.shown_facts,
        "summary": n.summary,
        "allowed_triggers": view.allowed_triggers,
        "objections": [asdict(o) for o in view.objections],
        "timeline": [audit_event_row(e) for e in view.timeline],
    }


@click.command("act")
@click.argument("nomination_id", type=int, required=False)
@click.argument("trigger_arg", metavar="TRIGGER", required=False)
@click.option("--reason", help="why (stored in the audit and shown to the unit)")
@click.option("--expected-version", type=int, help="refuse if the nomination changed since")
@click.option("--all", "every", is_flag=True, help="every nomination the filter matches")
@click.option("--trigger", "trigger_opt", help="the trigger, with --all")
@click.option("--campaign", "campaign_ref", help="with --all: campaign code")
@click.option("--stage", help="with --all: only nominations in this state")
@click.option("--unit", "unit_code", help="with --all: only this unit's (code)")
@click.option("--category", help="with --all: only this category")
@click.option("--flag", "flags", multiple=True, help="with --all: gig_worker, disability, …")
@click.option("--rule", help="with --all: only nominees failing this rule")
@click.option("--search", help="with --all: part of the name or employer")
@actor_option()
@pass_runtime
def act(
    rt: Runtime,
    nomination_id: int | None,
    trigger_arg: str | None,
    reason: str | None,
    expected_version: int | None,
    every: bool,
    trigger_opt: str | None,
    campaign_ref: str | None,
    stage: str | None,
    unit_code: str | None,
    category: str | None,
    flags: tuple[str, ...],
    rule: str | None,
    search: str | None,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """Fire a trigger on a nomination (e.g. submit, withdraw, pass, close_notice), or with
    --all on every nomination a filter matches, each in its own transaction."""
    if every:
        if nomination_id is not None or trigger_opt is None:
            raise click.UsageError(words.say("bulk_usage"))
        pairs = [("campaign", campaign_ref), ("stage", stage), ("unit", unit_code),
                 ("category", category), ("rule", rule), ("q", search)]  # fmt: skip
        where = commands_bulk.filter_of(pairs + [("flag", f) for f in flags])
        commands_bulk.run_bulk(rt, where, trigger_opt, reason, actor_spec, actor_name)
        return
    trigger = trigger_arg or trigger_opt
    if nomination_id is None or trigger is None:
        raise click.UsageError(words.say("bulk_usage"))
    with rt.uow() as uow:
        result = actions.act(
            uow,
            resolve_actor(uow, actor_spec, actor_name),
            nomination_id,
            trigger,
            now_utc(),
            reason=reason,
            expected_version=expected_version,
        )
    rt.emit(
        result.__dict__,
        words.say(
            "moved",
            id=result.nomination_id,
            source=words.label("state", result.from_state),
            target=words.label("state", result.to_state),
            trigger=words.label("trigger", result.trigger),
        ),
    )
