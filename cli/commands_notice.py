"""`honorflow notice` (the public notice as the public sees it, or as PDF with `--pdf`) and
`honorflow final-list` (the final list 表彰名单 as PDF, after the decision)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from cli import words
from cli.runtime import Runtime, actor_option, pass_runtime, resolve_actor
from config.catalogue import msg
from documents import render as documents
from workflow.errors import NotFound
from workflow.queries.notice import final_list_document, notice_document
from workflow.services.campaigns import find_campaign
from workflow.services.notice import public_notice

PDF = click.Path(dir_okay=False, writable=True, path_type=Path)


def register(cli: click.Group) -> None:
    cli.add_command(notice)
    cli.add_command(final_list)


@click.command()
@click.argument("campaign_ref")
@click.option("--pdf", "pdf_path", type=PDF, help="write the official notice as PDF here")
@pass_runtime
def notice(rt: Runtime, campaign_ref: str, pdf_path: Path | None) -> None:
    """The nominees under public notice (public fields only) and how to object."""
    if pdf_path is not None:
        _notice_pdf(rt, campaign_ref, pdf_path)
        return
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


def _notice_pdf(rt: Runtime, campaign_ref: str, path: Path) -> None:
    """The official notice as PDF (refused while nobody is under notice)."""
    with rt.uow() as uow:
        doc = notice_document(uow, find_campaign(uow, campaign_ref), words.locale())
        if not doc.count:
            raise NotFound(msg("notice_doc.no_notice"))
        html = documents.notice_html(doc, words.locale())
    path.write_bytes(documents.pdf(html))
    rt.emit(
        {"file": str(path), "count": doc.count}, words.say("pdf_written", file=path, n=doc.count)
    )


@click.command("final-list")
@click.argument("campaign_ref")
@click.option("--pdf", "pdf_path", type=PDF, required=True, help="write the final list here")
@actor_option("committee_secretary:committee_office")
@pass_runtime
def final_list(
    rt: Runtime, campaign_ref: str, pdf_path: Path, actor_spec: str, actor_name: str | None
) -> None:
    """The final list (表彰名单) as PDF, once the committee has decided."""
    with rt.uow() as uow:
        campaign = find_campaign(uow, campaign_ref)
        actor = resolve_actor(uow, actor_spec, actor_name)
        doc = final_list_document(uow, actor, campaign, words.locale())
        html = documents.final_list_html(doc, words.locale())
    pdf_path.write_bytes(documents.pdf(html))
    data = {"file": str(pdf_path), "count": doc.count}
    rt.emit(data, words.say("pdf_written", file=pdf_path, n=doc.count))
