"""`honorflow decide`: the committee's decision on the list, or its preview (`--preview`)."""

from __future__ import annotations

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from workflow.queries import decision as read_decision
from workflow.services import campaigns, committee


@click.command()
@click.argument("campaign_ref")
@click.option(
    "--except",
    "exceptions",
    multiple=True,
    metavar="ID:REASON",
    help="a nomination not approved, with the reason (repeatable)",
)
@click.option("--override", "override_reason", help="approve despite failing composition rules")
@click.option("--preview", is_flag=True, help="show what the decision would do; change nothing")
@actor_option("committee_secretary:committee_office")
@pass_runtime
def decide(
    rt: Runtime,
    campaign_ref: str,
    exceptions: tuple[str, ...],
    override_reason: str | None,
    preview: bool,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """The committee's decision on the whole list before it."""
    named: dict[int, str] = {}
    for item in exceptions:
        ident, _, reason = item.partition(":")
        if not ident.isdigit() or not reason:
            raise click.BadParameter(words.say("not_id_reason", item=item), param_hint="--except")
        named[int(ident)] = reason
    if preview:
        _preview(rt, campaign_ref, named, actor_spec, actor_name)
        return
    with rt.uow() as uow:
        target = campaigns.find_campaign(uow, campaign_ref)
        result = committee.decide(
            uow,
            target.id,
            resolve_actor(uow, actor_spec, actor_name),
            now_utc(),
            exceptions=named,
            override_reason=override_reason,
        )
    rt.emit(
        result.__dict__,
        words.say("decided", awarded=len(result.awarded), not_approved=len(result.not_approved))
        + (words.say("decided_override", reason=result.override) if result.override else ""),
    )


def _preview(
    rt: Runtime, campaign_ref: str, named: dict[int, str], actor_spec: str, actor_name: str | None
) -> None:
    """What the decision would approve and the composition verdicts; nothing is written."""
    with rt.uow() as uow:
        target = campaigns.find_campaign(uow, campaign_ref)
        actor = resolve_actor(uow, actor_spec, actor_name)
        found = read_decision.decision_preview(uow, actor, target, named)
        verdicts = [
            {"code": r.rule_id, "ok": r.ok, "status": r.status, "reason": r.reason,
             "message": r.text(words.locale())}
            for r in found.composition
        ]  # fmt: skip
        approved = [r.id for r in found.approved]
        not_approved = [r.id for r in found.not_approved]
        data = {
            "awaiting": len(found.rows),
            "approved": approved,
            "not_approved": not_approved,
            "composition": verdicts,
            "needs_override": found.needs_override,
        }
    counts = {"n": len(found.rows), "approved": len(approved), "not_approved": len(not_approved)}
    lines = [words.say("decide_preview", **counts)]
    # A rule not evaluated is shown as such and does not block the decision.
    lines += [words.say(f"decide_rule_{v['status']}", text=v["message"]) for v in verdicts]
    if found.needs_override:
        lines.append(words.say("decide_needs_override"))
    rt.emit(data, "\n".join(lines))
