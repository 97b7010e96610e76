"""`honorflow worker`, `beat` and `up`: the Celery processes that run deadlines and email."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from cli.runtime import Runtime, pass_runtime

if TYPE_CHECKING:
    from celery import Celery


def register(cli: click.Group) -> None:
    cli.add_command(worker)
    cli.add_command(beat)
    cli.add_command(up)


def _app() -> Celery:
    from tasks.app import app  # imported on use: other commands need no Celery

    return app


def default_node_name() -> str:
    """`worker-<pid>@<host>`: two workers on one host never share a name (%h: the host)."""
    return f"worker-{os.getpid()}@%h"


@click.command()
@click.option("--concurrency", "-c", type=int, default=2, show_default=True)
@click.option("--loglevel", default="info", show_default=True)
@click.option(
    "--name",
    "-n",
    "node_name",
    help="the node name Flower and `celery inspect` show, e.g. mail1@%h (%h: the host); "
    "default worker-<pid>@<host>",
)
def worker(concurrency: int, loglevel: str, node_name: str | None) -> None:
    """Run a worker: sends messages and runs the sweeps the beat schedules."""
    name = node_name or default_node_name()
    # -E: task events on, so Flower (README "Running in production") sees every task.
    args = [f"--concurrency={concurrency}", f"--loglevel={loglevel}", f"--hostname={name}", "-E"]
    _app().worker_main(["worker", *args])


@click.command()
@click.option("--loglevel", default="info", show_default=True)
def beat(loglevel: str) -> None:
    """Run the one scheduler: deadline sweep and outbox relay every minute, daily digest."""
    _app().start(["beat", f"--loglevel={loglevel}"])


@click.command()
@click.option("--loglevel", default="info", show_default=True)
@pass_runtime
def up(rt: Runtime, loglevel: str) -> None:
    """Worker and beat in one process: the embedded default on one machine (SQLite, no server)."""
    from models.migrate import upgrade

    upgrade(rt.engine)
    # One worker process: SQLite takes one writer at a time anyway.
    _app().worker_main(["worker", "--beat", "--concurrency=1", f"--loglevel={loglevel}"])
