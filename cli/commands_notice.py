"""`honorflow notice`: the public notice as the public sees it."""

from __future__ import annotations

from dataclasses import asdict

import click

from cli import words
from cli.runtime import Runtime, pass_runtime
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
    lines = [words.say("under_notice", n=len(entries))]
    for e in entries:
        ends = (
            words.say("notice_ends", at=words.deadline(e.notice_ends_at))
            if e.notice_ends_at
            else ""
        )
        lines.append(
            f"  [{e.nomination_id}] {e.name}，{e.gender}，{e.ethnicity}，{e.birth_year}年生，"
            f"{e.employer}（{words.label('vocab.category', e.category)}，{e.rank}，"
            f"{e.recommending_unit}）{ends}"
        )
    lines.append(words.say("how_to_object"))
    rt.emit([asdict(e) for e in entries], "\n".join(lines))
