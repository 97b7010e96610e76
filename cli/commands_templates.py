"""`honorflow template`: see the shipped wording, and set a campaign's own."""

from __future__ import annotations

from pathlib import Path

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, parse_actor, pass_runtime
from notifications.render import (
    KINDS,
    LOCALES,
    SAMPLE_CONTEXTS,
    TemplateSource,
    render,
    shipped_source,
)
from workflow.services import templates
from workflow.services.campaigns import find_campaign

PARTS = {"subject": "subject", "text": "txt", "html": "html"}


def register(cli: click.Group) -> None:
    cli.add_command(template)


@click.group()
def template() -> None:
    """Email templates: shipped ones and campaigns' overrides."""


@template.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--locale", type=click.Choice(LOCALES), default="zh-CN", show_default=True)
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path), required=True)
@pass_runtime
def export(rt: Runtime, kind: str, locale: str, folder: Path) -> None:
    """Write the shipped template's three parts to a folder, as a start for an override."""
    source = shipped_source(kind, locale)
    folder.mkdir(parents=True, exist_ok=True)
    for part, suffix in PARTS.items():
        (folder / f"{kind}.{suffix}").write_text(getattr(source, part), encoding="utf-8")
    rt.emit({"folder": str(folder)}, words.say("template_written", kind=kind, folder=str(folder)))


@template.command("set")
@click.argument("campaign")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--locale", type=click.Choice(LOCALES), default="zh-CN", show_default=True)
@click.option(
    "--from",
    "folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="folder holding KIND.subject, KIND.txt and KIND.html",
)
@actor_option()
@pass_runtime
def set_template(
    rt: Runtime,
    campaign: str,
    kind: str,
    locale: str,
    folder: Path,
    actor_spec: str,
    actor_name: str | None,
) -> None:
    """Validate a campaign's template (all three parts) and use it from now on."""
    texts = {
        part: (folder / f"{kind}.{suffix}").read_text(encoding="utf-8")
        for part, suffix in PARTS.items()
    }
    source = TemplateSource(texts["subject"], texts["text"], texts["html"])
    with rt.uow() as uow:
        campaign_id = find_campaign(uow, campaign).id
        templates.set_override(
            uow, campaign_id, kind, locale, source, parse_actor(actor_spec, actor_name), now_utc()
        )
    preview = render(kind, SAMPLE_CONTEXTS[kind], locale, source)
    rt.emit(
        {"kind": kind, "locale": locale, "subject": preview.subject},
        words.say(
            "template_set",
            kind=words.label("mail_kind", kind),
            campaign=campaign,
            subject=preview.subject,
        ),
    )


@template.command("remove")
@click.argument("campaign")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--locale", type=click.Choice(LOCALES), default="zh-CN", show_default=True)
@actor_option()
@pass_runtime
def remove_template(
    rt: Runtime, campaign: str, kind: str, locale: str, actor_spec: str, actor_name: str | None
) -> None:
    """Go back to the shipped template."""
    with rt.uow() as uow:
        campaign_id = find_campaign(uow, campaign).id
        removed = templates.remove_override(
            uow, campaign_id, kind, locale, parse_actor(actor_spec, actor_name), now_utc()
        )
    rt.emit({"removed": removed}, words.say("template_removed" if removed else "template_none"))
