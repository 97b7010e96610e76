"""`honorflow worker`, `beat` and `up`: the Celery processes that run deadlines and email.

Each checks what it needs before Celery starts and says in one line what is missing: the
worker a database at the current schema, the beat the folder of its schedule file. `up`
runs a worker and a beat as two child processes and stops with a non-zero exit code as
soon as either dies: a beat that died unnoticed swept and relayed nothing.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from cli.runtime import Runtime, pass_runtime, refuse_old_schema
from cli.supervise import Child, supervise
from cli.words import say
from config.catalogue import Label, msg
from config.settings import get_settings
from workflow.errors import NotReady

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
@pass_runtime
def worker(rt: Runtime, concurrency: int, loglevel: str, node_name: str | None) -> None:
    """Run a worker: sends messages and runs the sweeps the beat schedules."""
    refuse_old_schema(rt)
    name = node_name or default_node_name()
    # -E: task events on, so Flower (README "Running in production") sees every task.
    args = [f"--concurrency={concurrency}", f"--loglevel={loglevel}", f"--hostname={name}", "-E"]
    _app().worker_main(["worker", *args])


@click.command()
@click.option("--loglevel", default="info", show_default=True)
def beat(loglevel: str) -> None:
    """Run the one scheduler: deadline sweep and outbox relay every minute, daily digest."""
    from tasks.app import schedule_file

    folder = schedule_file(get_settings()).parent  # the beat needs no database
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotReady(
            msg("error.folder_unusable", folder=str(folder), error=exc.strerror)
        ) from None
    _app().start(["beat", f"--loglevel={loglevel}"])


@click.command()
@click.option("--loglevel", default="info", show_default=True)
@pass_runtime
def up(rt: Runtime, loglevel: str) -> None:
    """Worker and beat in one process: the embedded default on one machine (SQLite, no server).

    They run as two child processes (one worker process: SQLite takes one writer at a time);
    if either stops, the other is stopped too and `up` exits non-zero."""
    refuse_old_schema(rt)
    command = [sys.executable, "-m", "cli.main"]
    children = [
        Child("worker", [*command, "worker", "--concurrency=1", f"--loglevel={loglevel}"]),
        Child("beat", [*command, "beat", f"--loglevel={loglevel}"]),
    ]
    started = supervise(children, on_start=_started, on_death=_died)
    sys.exit(started)


def _started(children: list[Child]) -> None:
    pids = {c.name: c.process.pid for c in children if c.process is not None}
    click.echo(say("up_started", worker=pids["worker"], beat=pids["beat"]), err=True)


def _died(child: Child, code: int) -> None:
    click.echo(say("up_child_died", process=Label("process", child.name), code=code), err=True)
