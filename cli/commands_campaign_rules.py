"""`honorflow campaign rules`: show and amend a campaign's composition rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from config.catalogue import msg, render
from workflow.errors import InvalidInput
from workflow.queries import campaign_admin as read
from workflow.services import campaigns, composition_rules

MAX_FILE = 64 * 1024  # a rules file is a few hundred bytes; a larger one is refused


@click.group("rules")
def rules() -> None:
    """A campaign's composition rules: show them, amend them in place."""


@rules.command("show")
@click.argument("campaign_ref")
@actor_option()
@pass_runtime
def show(rt: Runtime, campaign_ref: str, actor_spec: str, actor_name: str | None) -> None:
    """Each rule with its figures in words."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        campaign, views = read.composition_rules(uow, actor, campaign_ref)
        data: list[Any] = list(campaign.composition)
        lines = [
            words.say("rule_line", label=v.rule.label, words=render(v.words, words.locale()))
            for v in views
        ]
    rt.emit(data, "\n".join(lines) or words.say("none"))


@rules.command("amend")
@click.argument("campaign_ref")
@click.option(
    "--file",
    "path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a YAML list of rules in the definition's composition syntax",
)
@click.option("--reason", required=True, help="why the rules change (recorded in the audit)")
@actor_option()
@pass_runtime
def amend(
    rt: Runtime, campaign_ref: str, path: Path, reason: str, actor_spec: str, actor_name: str | None
) -> None:
    """Replace the campaign's composition rules, audited, until submissions close."""
    new_rules = _read_rules(path)
    with rt.uow() as uow:
        target = campaigns.find_campaign(uow, campaign_ref)
        actor = resolve_actor(uow, actor_spec, actor_name)
        stored = composition_rules.amend_composition(
            uow, target.id, new_rules, reason, actor, now_utc()
        )
    rt.emit(stored, words.say("rules_amended", n=len(stored), campaign=campaign_ref))


def _read_rules(path: Path) -> Any:
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise InvalidInput("file", msg("composition_edit.file_too_large", limit=MAX_FILE >> 10))
    try:
        return yaml.safe_load(data.decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise InvalidInput("file", msg("composition_edit.bad_yaml", line=line)) from exc
