"""`honorflow db`: schema migrations, and the place tally's check and recount."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from cli import words
from cli.runtime import Runtime, now_utc, pass_runtime
from models.migrate import current_revision, upgrade
from workflow.services.place_tally import TallyDifference, recount_places, tally_differences


def register(cli: click.Group) -> None:
    cli.add_command(db)


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@pass_runtime
def db_upgrade(rt: Runtime, revision: str) -> None:
    """Apply the migrations to the configured database."""
    upgrade(rt.engine, revision)
    rev = current_revision(rt.engine)
    rt.emit(
        {"database": rt.engine.url.render_as_string(), "revision": rev},
        words.say("db_at", revision=rev, url=rt.engine.url.render_as_string()),
    )


@db.command("current")
@pass_runtime
def db_current(rt: Runtime) -> None:
    """Show the schema revision of the configured database."""
    rev = current_revision(rt.engine)
    rt.emit(
        {"revision": rev}, words.say("db_revision", revision=rev) if rev else words.say("db_empty")
    )


@db.command("recount-places")
@click.option("--check", is_flag=True, help="only report the counts that differ; exit 1 if any")
@pass_runtime
def db_recount_places(rt: Runtime, check: bool) -> None:
    """Check the place tally against the nominations and rewrite it where it differs."""
    with rt.uow() as uow:
        differences = tally_differences(uow) if check else recount_places(uow, now_utc())
    if not differences:
        text = words.say("tally_ok")
    else:
        said = "tally_differs" if check else "tally_recounted"
        head = words.say(said, n=len(differences), command="honorflow db recount-places")
        text = "\n".join([head, *(_difference_line(d) for d in differences)])
    rt.emit({"recounted": not check, "differences": [asdict(d) for d in differences]}, text)
    if check and differences:
        sys.exit(1)


def _difference_line(d: TallyDifference) -> str:
    return words.say(
        "tally_difference",
        campaign=d.campaign_code or d.campaign_id,
        unit=d.unit_code or d.unit_id,
        rank=words.rank(d.rank),
        category=words.label("vocab.category", d.category),
        level=words.say(
            "tally_level", level=words.label("vocab.official_level", d.official_level or "none")
        ),
        standing=words.say(f"standing_{d.standing}"),
        held=d.held,
        counted=d.counted,
    )
