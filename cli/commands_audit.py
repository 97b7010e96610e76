"""`honorflow audit`: verify the hash chain, list events."""

from __future__ import annotations

import sys
from typing import Any

import click
from sqlalchemy import select

from cli.runtime import Runtime, local, pass_runtime
from models import AuditEvent
from workflow.audit import verify


def register(cli: click.Group) -> None:
    cli.add_command(audit)


@click.group()
def audit() -> None:
    """The append-only audit log."""


@audit.command("verify")
@pass_runtime
def verify_chain(rt: Runtime) -> None:
    """Check every event against the chain; exits 1 at the first altered, removed or inserted."""
    with rt.uow() as uow:
        report = verify(uow.session)
    rt.emit(
        report.__dict__,
        f"audit chain OK ({report.events} events)"
        if report.ok
        else f"audit chain BROKEN at event {report.first_bad_seq}: {report.problem}",
    )
    if not report.ok:
        sys.exit(1)


@audit.command("list")
@click.option("--nomination", "nomination_id", type=int)
@click.option("--limit", type=int, default=50, show_default=True)
@pass_runtime
def list_events(rt: Runtime, nomination_id: int | None, limit: int) -> None:
    """The newest events, optionally of one nomination."""
    with rt.uow() as uow:
        query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
        if nomination_id is not None:
            query = query.where(AuditEvent.nomination_id == nomination_id)
        data: list[dict[str, Any]] = [
            {
                "seq": e.seq,
                "at": e.at.isoformat(),
                "actor": e.actor,
                "trigger": e.trigger,
                "nomination_id": e.nomination_id,
                "from": e.from_state,
                "to": e.to_state,
                "reason": e.reason,
            }
            for e in uow.session.scalars(query)
        ]
    rt.emit(
        data,
        "\n".join(
            f"{d['seq']:>7} {local(d['at'])} {d['trigger']:<20} {d['nomination_id'] or '':>6} "
            f"{d['from'] or '':>14} -> {d['to'] or '':<14} {d['actor']}"
            for d in data
        ),
    )
