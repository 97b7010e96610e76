"""`honorflow audit`: verify the hash chain, list events."""

from __future__ import annotations

import sys
from typing import Any

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from models import AuditEvent
from workflow.audit import verify
from workflow.queries import audit as read
from workflow.services.audit_seal import seal_chain


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
        report = verify(uow.session, key=uow.audit_key)
    if report.ok:
        keyed = (
            words.say("chain_keyed", seq=report.keyed_from)
            if report.keyed_from is not None
            else words.say("chain_not_keyed")
        )
        text = words.say("chain_ok", n=report.events) + "\n" + keyed
    else:
        text = words.say("chain_broken", seq=report.first_bad_seq, problem=report.problem)
    rt.emit(report.__dict__, text)
    if not report.ok:
        sys.exit(1)


@audit.command("seal")
@pass_runtime
def seal(rt: Runtime) -> None:
    """Seal the chain with the audit key now (once, after the upgrade that introduced it)."""
    with rt.uow() as uow:
        appended = seal_chain(uow, now_utc())
    rt.emit({"sealed_at_seq": appended.seq}, words.say("chain_sealed", seq=appended.seq))


@audit.command("list")
@click.option("--nomination", "nomination_id", type=int)
@click.option("--limit", type=int, default=50, show_default=True)
@actor_option()
@pass_runtime
def list_events(
    rt: Runtime, nomination_id: int | None, limit: int, actor_spec: str, actor_name: str | None
) -> None:
    """The newest events the actor may see, optionally of one nomination."""
    with rt.uow() as uow:
        actor = resolve_actor(uow, actor_spec, actor_name)
        found = read.list_audit(
            uow, actor, now_utc(), nomination_id=nomination_id, newest_first=True, limit=limit
        )
        data = [audit_event_row(e) for e in found.items]
    rt.emit(
        data,
        "\n".join(
            f"{d['seq']:>7} {words.when(d['at'])} {words.pad(words.event(d['trigger']), 18)} "
            f"{d['nomination_id'] or '':>6} {words.actor(d['actor'])}"
            for d in data
        )
        or words.say("none"),
    )


def audit_event_row(e: AuditEvent) -> dict[str, Any]:
    """An audit event as the commands print it, with the account that acted."""
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "actor_user_id": e.actor_user_id,
        "actor_username": e.actor_username,
        "trigger": e.trigger,
        "nomination_id": e.nomination_id,
        "from": e.from_state,
        "to": e.to_state,
        "reason": e.reason,
    }
