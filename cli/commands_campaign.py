"""`honorflow campaign` and `honorflow report`: campaigns, quota tables, funnel, composition."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import click

from cli import commands_campaign_office, commands_campaign_rules, words
from cli.commands_campaign_office import office_input, office_options
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from cli.times import DEADLINE
from config import catalogue
from workflow.queries import campaigns as read
from workflow.quota_table import MAX_BYTES
from workflow.rules.composition import list_status, status_words
from workflow.services import campaigns, reports

# `report composition` exits with the list's status, so scripts can tell a missed rule from a
# rule that could not be evaluated (a share of an empty list or base) from all rules met.
COMPOSITION_EXIT = {"met": 0, "missed": 17, "not_evaluated": 18}


def register(cli: click.Group) -> None:
    campaign.add_command(commands_campaign_rules.rules)
    campaign.add_command(commands_campaign_office.office)
    cli.add_command(campaign)
    cli.add_command(report)


@click.group()
def campaign() -> None:
    """Campaigns and their quota tables."""


@campaign.command("create")
@click.option("--code", required=True)
@click.option("--title", required=True)
@click.option("--definition", "definition_name", required=True, help="a loaded definition's name")
@click.option(
    "--reference-date",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="the date eligibility windows count from",
)
@click.option(
    "--submission-deadline",
    type=DEADLINE,
    help="Beijing time unless a zone is given; a day alone (2026-12-15) means its end (24时)",
)
@click.option("--definition-version", type=int, help="pin this version (default: the newest)")
@click.option(
    "--admin-email",
    help="the office's mailbox, where mail to the office goes (default: HONORFLOW_ADMIN_EMAIL)",
)
@click.option("--daily-digest", is_flag=True, help="reviewers get one morning message")
@office_options
@actor_option()
@pass_runtime
def create(
    rt: Runtime,
    /,
    code: str,
    title: str,
    definition_name: str,
    reference_date: datetime,
    submission_deadline: datetime | None,
    definition_version: int | None,
    admin_email: str | None,
    daily_digest: bool,
    actor_spec: str,
    actor_name: str | None,
    **office: str | None,
) -> None:
    """Create a campaign pinned to a version of a definition (the newest unless named), with
    its office (`campaign office` changes it later)."""
    with rt.uow() as uow:
        row = campaigns.create_campaign(
            uow,
            code=code,
            title=title,
            definition_name=definition_name,
            reference_date=reference_date.date(),
            submission_deadline=submission_deadline,
            actor=resolve_actor(uow, actor_spec, actor_name),
            now=now_utc(),
            definition_version=definition_version,
            admin_email=admin_email,
            daily_digest=daily_digest,
            office=office_input(office),
        )
        data = {"id": row.id, "code": row.code, "definition": row.definition.key}
    rt.emit(data, words.say("campaign_created", code=data["code"], id=data["id"]))


@campaign.command("quota")
@click.argument("campaign_ref")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@actor_option()
@pass_runtime
def quota(
    rt: Runtime, campaign_ref: str, path: Path, actor_spec: str, actor_name: str | None
) -> None:
    """Replace the quota table from a CSV or XLSX file (see README, "Campaigns and quotas")."""
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)  # a larger file is refused naming the cap
    with rt.uow() as uow:
        target = campaigns.find_campaign(uow, campaign_ref)
        actor = resolve_actor(uow, actor_spec, actor_name)
        total = campaigns.import_quota_file(uow, target.id, path.name, data, actor, now_utc())
        rows = len(read.quota_table(uow, actor, target.id))
    rt.emit({"rows": rows, "places": total}, words.say("quota_set", rows=rows, places=total))


@campaign.command("list")
@pass_runtime
def list_campaigns(rt: Runtime) -> None:
    """All campaigns."""
    with rt.uow() as uow:
        data = [
            {
                "id": c.id,
                "code": c.code,
                "title": c.title,
                "phase": c.phase,
                "definition": c.definition.key,
            }
            for c in reversed(read.campaigns_newest_first(uow))
        ]
    rt.emit(
        data,
        "\n".join(
            f"{c['id']:>4}  {c['code']:<16} {words.pad(words.phase(str(c['phase'])), 14)} "
            f"{c['title']}"
            for c in data
        )
        or words.say("no_campaigns"),
    )


@campaign.command("advance")
@click.argument("campaign_ref")
@click.option("--to", "to_phase", help="the phase to move to (default: the next one)")
@actor_option()
@pass_runtime
def advance(
    rt: Runtime, campaign_ref: str, to_phase: str | None, actor_spec: str, actor_name: str | None
) -> None:
    """Move a campaign to its next phase if every check passes (the page shows them)."""
    with rt.uow() as uow:
        target = campaigns.find_campaign(uow, campaign_ref)
        actor = resolve_actor(uow, actor_spec, actor_name)
        phase = campaigns.advance_phase(uow, target.id, actor, now_utc(), to=to_phase)
    rt.emit({"phase": phase}, words.say("phase_now", phase=words.phase(phase)))


@click.group()
def report() -> None:
    """Reports: funnel and composition."""


@report.command("funnel")
@click.argument("campaign_ref")
@pass_runtime
def funnel(rt: Runtime, campaign_ref: str) -> None:
    """Nominations per state, in the procedure's order."""
    with rt.uow() as uow:
        rows = reports.funnel(uow, campaigns.find_campaign(uow, campaign_ref))
    text = "\n".join(f"{words.pad(words.label('state', r.state), 24)} {r.count:>6}" for r in rows)
    rt.emit([asdict(r) for r in rows], text or words.say("none"))


@report.command("composition")
@click.argument("campaign_ref")
@click.option(
    "--scope",
    type=click.Choice(reports.SCOPES),
    default="final",
    show_default=True,
    help="submitted: every live main nomination; stage: one state; final: the list before the "
    "committee, or the awarded list; unit: one unit's live submissions",
)
@click.option("--stage", help="with --scope stage: the state, e.g. public_notice")
@click.option("--unit", "unit_code", help="with --scope unit: the unit code")
@pass_runtime
def composition(
    rt: Runtime, campaign_ref: str, scope: str, stage: str | None, unit_code: str | None
) -> None:
    """Each composition rule's value, bound, slack and status over a set of nominations; exits
    17 when a rule is missed, 18 when none is but one is not evaluated, 0 when all are met."""
    with rt.uow() as uow:
        campaign = campaigns.find_campaign(uow, campaign_ref)
        size, results = reports.composition(uow, campaign, scope, stage=stage, unit_code=unit_code)
        implied = [catalogue.render(m, words.locale()) for m in reports.implications(campaign)]
    status = list_status([r.status for r in results])
    rules = [asdict(r) for r in results]
    bounds = [catalogue.render(r.bound_message, words.locale()) for r in results]
    text = format_composition(size, rules, bounds)
    if implied:  # what the figures count a code as (the definition's `implies`)
        text += "\n" + "\n".join([words.say("implies_head"), *(f"  {i}" for i in implied)])
    rt.emit(
        {"scope": scope, "size": size, "status": status, "rules": rules, "implies": implied},
        text,
    )
    if status != "met":
        sys.exit(COMPOSITION_EXIT[status])  # click's Exit would be swallowed (standalone_mode)


def format_composition(
    size: int, rules: list[dict[str, object]], bounds: list[str] | None = None
) -> str:
    """A text table of composition results: value, bound, slack, status, rule (no value or
    slack for a rule not evaluated: there is none). `bounds`: each rule's bound in the CLI's
    words; else the Chinese words the rows carry (`bound_words`)."""
    lines = [words.say("composition_head", size=size)]
    said = [_status_said(r) for r in rules]
    width = max((words.cells(s) for s in said), default=0)
    bound_words = bounds if bounds is not None else [str(r["bound_words"]) for r in rules]
    bound_width = max((words.cells(b) for b in bound_words), default=0)
    for r, status, bound_said in zip(rules, said, bound_words, strict=True):
        value, slack = "-", "-"
        if r["status"] != "not_evaluated":
            share = r["kind"] == "share"
            value = f"{float(r['value']):.1%}" if share else str(r["count"])  # type: ignore[arg-type]
            slack = f"{float(r['slack']):+.1%}" if share else f"{float(r['slack']):+.0f}"  # type: ignore[arg-type]
        pad = words.pad(status, width)
        bound = words.pad(bound_said, bound_width)
        lines.append(f"{value:>8}  {bound} {slack:>8}  {pad} {r['label']}")
    return "\n".join(lines)


def _status_said(rule: dict[str, object]) -> str:
    """达标, 未达标, or 未评估 with its reason, in the CLI's locale."""
    reason = rule.get("reason")
    said = status_words(str(rule["status"]), str(reason) if reason else None)
    return catalogue.render(said, words.locale())
