"""`honorflow notice`: the public notice as the public sees it."""

from __future__ import annotations

from dataclasses import asdict

import click

from cli.runtime import Runtime, pass_runtime
from workflow.calendar import SHANGHAI
from workflow.services.campaigns import find_campaign
from workflow.services.notice import public_notice


def register(cli: click.Group) -> None:
    cli.add_command(notice)


@click.command()
@click.argument("campaign_ref")
@pass_runtime
def notice(rt: Runtime, campaign_ref: str) -> None:
    """The nominees under public notice (public fields only) and how to object."""
    with rt.uow() as uow:
        entries = public_notice(uow, find_campaign(uow, campaign_ref))
    lines = [f"{len(entries)} nominee(s) under public notice"]
    for e in entries:
        ends = (
            f", notice ends {e.notice_ends_at.astimezone(SHANGHAI):%Y-%m-%d}"
            if e.notice_ends_at
            else ""
        )
        lines.append(
            f"  [{e.nomination_id}] {e.name}，{e.gender}，{e.ethnicity}，{e.birth_year}年生，"
            f"{e.employer}（{e.category}，{e.rank}，{e.recommending_unit}）{ends}"
        )
    lines.append(
        "Objections: by letter (stamped for units; real name and contact for individuals), "
        "by phone, or `honorflow objection record`."
    )
    rt.emit([asdict(e) for e in entries], "\n".join(lines))
