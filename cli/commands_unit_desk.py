"""`honorflow campaign form-template`: the nomination form as an XLSX template."""

from __future__ import annotations

from pathlib import Path

import click

from cli import words
from cli.commands_campaign import campaign
from cli.runtime import Runtime, actor_option, pass_runtime, resolve_actor
from workflow.queries import unit_desk
from workflow.services.campaigns import find_campaign


def register(cli: click.Group) -> None:
    """The command joins the `campaign` group (registered by commands_campaign)."""


@campaign.command("form-template")
@click.argument("campaign_ref")
@click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True
)
@actor_option()
@pass_runtime
def form_template(
    rt: Runtime, campaign_ref: str, output: Path, actor_spec: str, actor_name: str | None
) -> None:
    """Write the campaign's nomination form as an XLSX template (drop-downs, instructions)."""
    with rt.uow() as uow:
        target = find_campaign(uow, campaign_ref)
        data = unit_desk.form_template(uow, resolve_actor(uow, actor_spec, actor_name), target)
    output.write_bytes(data)
    rt.emit(
        {"path": str(output), "bytes": len(data)}, words.say("form_template_written", path=output)
    )
