"""`honorflow outbox` and `honorflow deadlines`: what is waiting to be sent or to fire."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import click

from cli import words
from cli.runtime import Runtime, actor_option, now_utc, parse_actor, pass_runtime
from cli.times import INSTANT
from workflow.services import deadlines, mail


def register(cli: click.Group) -> None:
    cli.add_command(outbox_group)
    cli.add_command(deadlines_group)


@click.group("outbox")
def outbox_group() -> None:
    """Email waiting to be sent, sent, or failed."""


@outbox_group.command("list")
@click.option(
    "--status", type=click.Choice(["pending", "sending", "sent", "failed", "digested", "held"])
)
@click.option("--limit", type=int, default=50, show_default=True)
@actor_option()
@pass_runtime
def list_messages(
    rt: Runtime, status: str | None, limit: int, actor_spec: str, actor_name: str | None
) -> None:
    """The newest messages, optionally of one status (failed ones show their error)."""
    with rt.uow() as uow:
        actor = parse_actor(actor_spec, actor_name)
        rows = mail.list_messages(uow, actor, status=status, limit=limit)
        data = [
            {
                "id": m.id,
                "kind": m.kind,
                "recipient": m.recipient,
                "status": m.status,
                "attempts": m.attempts,
                "subject": m.subject,
                "created_at": m.created_at.isoformat(),
                "sent_at": m.sent_at.isoformat() if m.sent_at else None,
                "last_error": m.last_error,
            }
            for m in rows
        ]
    lines = [
        f"{d['id']:>6}  {words.pad(words.label('mail_status', str(d['status'])), 8)} "
        f"{words.pad(words.label('mail_kind', str(d['kind'])), 16)} {d['recipient']:<28} "
        f"{words.when(str(d['created_at']))}  {d['last_error'] or ''}"
        for d in data
    ]
    rt.emit(data, "\n".join(lines) or words.say("no_messages"))


@outbox_group.command("retry")
@click.argument("message_id", type=int)
@actor_option()
@pass_runtime
def retry_one(rt: Runtime, message_id: int, actor_spec: str, actor_name: str | None) -> None:
    """Queue one failed message again."""
    with rt.uow() as uow:
        message = mail.retry(uow, message_id, parse_actor(actor_spec, actor_name), now_utc())
        rt.emit({"id": message.id, "status": message.status}, words.say("queued", id=message.id))


@outbox_group.command("retry-failed")
@actor_option()
@pass_runtime
def retry_failed(rt: Runtime, actor_spec: str, actor_name: str | None) -> None:
    """Queue every failed message again."""
    with rt.uow() as uow:
        count = mail.retry_failed(uow, parse_actor(actor_spec, actor_name), now_utc())
    rt.emit({"queued": count}, words.say("queued_again", n=count))


@outbox_group.command("send")
@pass_runtime
def send_now(rt: Runtime) -> None:
    """Send what is pending now, in this process (without a worker)."""
    from notifications.relay import relay

    settings = rt.wiring.settings
    transport = rt.wiring.transport()
    results: Counter[str] = Counter()
    while True:  # a relay pass takes at most 500 messages
        done = relay(rt.wiring.new_uow, transport, now_utc, settings)
        results.update(done)
        if sum(done.values()) < 500:
            break
    where = settings.smtp_host or settings.resolved_mail_folder()
    counts = [
        words.say("sent_count", status=words.say("relay_" + k.replace(" ", "_")), n=n)
        for k, n in results.items()
    ]
    summary = words.joined(counts) if counts else words.say("nothing_to_send")
    rt.emit(dict(results), words.say("sent_to", done=summary, where=where))


@click.group("deadlines")
def deadlines_group() -> None:
    """Deadline rows: reminders, due dates, notice ends."""


@deadlines_group.command("sweep")
@click.option(
    "--now", "at", type=INSTANT, help="simulate this instant (without a zone: Beijing time)"
)
@click.option("--dry-run", is_flag=True, help="show what would fire now; change nothing")
@pass_runtime
def sweep(rt: Runtime, at: datetime | None, dry_run: bool) -> None:
    """Fire every due deadline now, in this process (the beat does this every minute)."""
    if dry_run:
        from cli.commands_deadlines import show_due

        return show_due(rt, at or now_utc())
    with rt.uow() as uow:
        result = deadlines.sweep(uow, at or now_utc())
    rt.emit(
        {
            "fired": result.fired,
            "errors": result.errors,
            "failed": result.failed,
            "kinds": dict(result.kinds),
            "summaries": result.summaries,
        },
        words.say(
            "swept_counts",
            n=result.fired,
            errors=result.errors,
            failed=result.failed,
            summaries=result.summaries,
        ),
    )
