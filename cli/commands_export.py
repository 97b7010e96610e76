"""`honorflow export KIND --campaign REF [--unit CODE] -o FILE`: a campaign's documents as XLSX."""

from __future__ import annotations

from pathlib import Path

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from workflow.services import exports
from workflow.services.campaigns import find_campaign


def register(cli: click.Group) -> None:
    cli.add_command(export)


@click.command("export")
@click.argument("kind", type=click.Choice(exports.KINDS))
@click.option("--campaign", "campaign_ref", required=True, help="the campaign's code")
@click.option("--unit", "unit_code", help="one recommending unit (summary, composition)")
@click.option(
    "-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True
)
@actor_option()
@pass_runtime
def export(
    rt: Runtime,
    kind: str,
    campaign_ref: str,
    unit_code: str | None,
    output: Path,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """Write a document of the campaign as XLSX: summary (汇总表), final_list (表彰名单),
    composition, funnel or workload; what the acting person may have."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        campaign = find_campaign(uow, campaign_ref)
        done = exports.export(uow, actor, campaign, kind, now_utc(), unit_code)
    output.write_bytes(done.data)
    summary = {
        "path": str(output), "kind": kind, "campaign": campaign_ref, "unit": done.unit_code,
        "rows": done.rows, "bytes": len(done.data), "filename": done.filename,
    }  # fmt: skip
    kind_words = words.label("export.kind", kind)
    rt.emit(summary, words.say("export_written", path=output, kind=kind_words, rows=done.rows))
