"""`honorflow db`: schema migrations."""

from __future__ import annotations

import click

from cli import words
from cli.runtime import Runtime, pass_runtime
from models.migrate import current_revision, upgrade


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
