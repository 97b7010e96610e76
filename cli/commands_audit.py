"""`honorflow audit`: verify the hash chain (against an anchor), seal it, rotate its key, anchor
its head, list events."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, pass_runtime, resolve_actor
from models import AuditEvent
from workflow.queries import audit as read
from workflow.services.audit_anchor import anchor_chain, verify_chain
from workflow.services.audit_seal import rotate_key, seal_chain


def register(cli: click.Group) -> None:
    cli.add_command(audit)


@click.group()
def audit() -> None:
    """The append-only audit log."""


@audit.command("verify")
@click.option(
    "--anchor",
    "anchor",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="FILE",
    help="check against the last anchor of FILE (the anchor file when no FILE is given)",
)
@pass_runtime
def verify_chain_command(rt: Runtime, anchor: str | None) -> None:
    """Check every event against the chain; exits 1 at the first altered, removed or inserted."""
    anchor_file = None
    if anchor is not None:
        anchor_file = Path(anchor) if anchor else rt.wiring.settings.resolved_audit_anchor_file()
    with rt.uow() as uow:
        report = verify_chain(uow, anchor_file)
    if report.ok:
        keyed = (
            words.say("chain_keyed", seq=report.keyed_from)
            if report.keyed_from is not None
            else words.say("chain_not_keyed")
        )
        text = words.say("chain_ok", n=report.events) + "\n" + keyed
        if report.anchored_at is not None:
            text += "\n" + words.say("chain_anchor_ok", seq=report.anchored_at)
    else:
        problem = report.said(words.locale())
        text = words.say("chain_broken", seq=report.first_bad_seq, problem=problem)
    code = report.problem.code if report.problem is not None else None
    rt.emit({**report.__dict__, "problem": code}, text)
    if not report.ok:
        sys.exit(1)


@audit.command("seal")
@pass_runtime
def seal(rt: Runtime) -> None:
    """Seal the chain with the audit key now (once, after the upgrade that introduced it)."""
    with rt.uow() as uow:
        appended = seal_chain(uow, now_utc())
    rt.emit({"sealed_at_seq": appended.seq}, words.say("chain_sealed", seq=appended.seq))


@audit.command("rotate-key")
@pass_runtime
def rotate(rt: Runtime) -> None:
    """Add a new audit key to the key file; the old keys stay to verify what they sealed."""
    with rt.uow() as uow:
        appended, key_id = rotate_key(uow, rt.wiring.settings, now_utc())
    rt.emit({"seq": appended.seq, "key_id": key_id}, words.say("key_rotated", seq=appended.seq))


@audit.command("anchor")
@pass_runtime
def anchor_head(rt: Runtime) -> None:
    """Write the verified head to the anchor file and the log, and mail it to the office."""
    settings = rt.wiring.settings
    with rt.uow() as uow:
        anchor = anchor_chain(uow, settings, now_utc())
    where = settings.resolved_audit_anchor_file()
    lanes = {str(lane): {"seq": seq, "hash": h} for lane, (seq, h) in anchor.lanes.items()}
    data = {"seq": anchor.seq, "hash": anchor.digest, "lanes": lanes, "at": anchor.at.isoformat()}
    data |= {"key_id": anchor.key_id, "file": str(where), "email": settings.admin_email}
    rt.emit(
        data, words.say("chain_anchored", seq=anchor.seq, file=where, email=settings.admin_email)
    )


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
        "lane": e.lane,
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
