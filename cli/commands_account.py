"""`honorflow user …`: managing accounts once made — tokens, deactivation, passwords."""

from __future__ import annotations

from pathlib import Path

import click

from cli import words
from cli.commands_user import password_file_option, read_password, token, user
from cli.runtime import Runtime, now_utc, pass_runtime
from workflow.actors import SYSTEM
from workflow.services import accounts, users


@token.command("list")
@click.option("--username", "holder", required=True)
@pass_runtime
def list_tokens(rt: Runtime, holder: str) -> None:
    """An account's API tokens (never the tokens themselves)."""
    with rt.uow() as uow:
        account = users.find_user(uow, holder)
        data = [
            {
                "id": t.id,
                "name": t.name,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            }
            for t in accounts.own_tokens(uow, SYSTEM, account.id)
        ]
    text = "\n".join(
        f"{d['id']:>4}  {d['name']:<20} {words.when(str(d['created_at']))}  "
        f"{words.when(str(d['expires_at'] or ''))}"
        for d in data
    )
    rt.emit(data, text or words.say("no_tokens"))


@token.command("revoke")
@click.argument("token_id", type=int)
@pass_runtime
def revoke(rt: Runtime, token_id: int) -> None:
    """Revoke an API token by its id (`user token list`); it answers 401 from now on."""
    with rt.uow() as uow:
        gone = accounts.revoke_token(uow, token_id, SYSTEM, now_utc())
        data = {"id": token_id, "name": gone.name, "revoked": True}
    rt.emit(data, words.say("token_revoked", id=token_id, name=data["name"]))


def _set_active(rt: Runtime, username: str, active: bool) -> None:
    with rt.uow() as uow:
        account = users.find_user(uow, username)
        row, ended = accounts.set_active(uow, account.id, active, SYSTEM, now_utc())
        data = {"username": row.username, "active": row.active, "sessions_ended": ended.sessions,
                "tokens_revoked": ended.tokens}  # fmt: skip
    key = "user_activated" if active else "user_deactivated"
    rt.emit(data, words.say(key, username=username, sessions=ended.sessions, tokens=ended.tokens))


@user.command("deactivate")
@click.argument("username")
@pass_runtime
def deactivate(rt: Runtime, username: str) -> None:
    """Deactivate an account: its sessions end and its tokens are revoked at once."""
    _set_active(rt, username, False)


@user.command("activate")
@click.argument("username")
@pass_runtime
def activate(rt: Runtime, username: str) -> None:
    """Let a deactivated account log in again (with new sessions and tokens)."""
    _set_active(rt, username, True)


@user.command("password")
@click.argument("username")
@pass_runtime
def change_password(rt: Runtime, username: str) -> None:
    """Change an account's password: the old one is asked, then the new one twice."""
    old = str(click.prompt(words.say("old_password_prompt"), hide_input=True))
    new = read_password(False, "new_password_prompt")
    with rt.uow() as uow:
        account = users.find_user(uow, username)
        ended = accounts.change_password(
            uow, account.id, old, new, users.actor_of(account), now_utc()
        )
    data = {"username": username, "sessions_ended": ended.sessions}
    rt.emit(data, words.say("password_changed", username=username, sessions=ended.sessions))


@user.command("reset-password")
@click.argument("username")
@click.option("--generate", is_flag=True, help="make a one-time password and print it once")
@click.option("--password-stdin", "password_stdin", is_flag=True, help="read the new password")
@password_file_option
@pass_runtime
def reset_password(
    rt: Runtime, username: str, generate: bool, password_stdin: bool, password_file: Path | None
) -> None:
    """Set an account's password as the administrator (asked twice, or generated); sessions end."""
    new = (
        None
        if generate
        else read_password(password_stdin, "new_password_prompt", from_file=password_file)
    )
    with rt.uow() as uow:
        account = users.find_user(uow, username)
        _row, made, ended = accounts.reset_password(uow, account.id, new, SYSTEM, now_utc())
    data = {"username": username, "sessions_ended": ended.sessions, "password": made}
    text = words.say("password_reset", username=username, sessions=ended.sessions)
    if made:
        text += "\n" + words.say("password_generated") + "\n" + made
    rt.emit(data, text)
