"""`honorflow user`: accounts for the web interface and API tokens."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from cli import words
from cli.runtime import Runtime, now_utc, pass_runtime
from workflow.actors import SYSTEM
from workflow.services import users

F = TypeVar("F", bound=Callable[..., Any])


def register(cli: click.Group) -> None:
    from cli import commands_account  # noqa: F401  (its commands hang on `user` and `token`)

    cli.add_command(user)


@click.group()
def user() -> None:
    """Accounts: create, list, tokens, deactivate, passwords."""


def read_password(
    from_stdin: bool, prompt_key: str = "password_prompt", from_file: Path | None = None
) -> str:
    """A password from a file's first line, standard input's, or asked twice; never an argument
    (the process list would show it)."""
    if from_stdin and from_file is not None:
        raise click.UsageError(
            words.say("password_sources", stdin="--password-stdin", file="--password-file")
        )
    if from_file is not None:
        lines = from_file.read_text(encoding="utf-8").splitlines()
        if not lines or not lines[0]:
            raise click.UsageError(words.say("password_file_empty", path=str(from_file)))
        return lines[0]
    if from_stdin:
        line: str = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.UsageError(words.say("password_stdin_empty"))
        return line
    return str(
        click.prompt(
            words.say(prompt_key),
            hide_input=True,
            confirmation_prompt=words.say("password_again"),
        )
    )


_STDIN_HELP = "read the password from the first line of standard input (else it is asked twice)"
_FILE_HELP = "read the password from the first line of this file (e.g. a container secret)"


def password_file_option(func: F) -> F:
    """`--password-file PATH`: the other way, beside standard input, that needs no prompt."""
    kind = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
    return click.option("--password-file", "password_file", type=kind, help=_FILE_HELP)(func)


@user.command("create")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="the name shown and audited")
@click.option("--role", type=click.Choice(users.USER_ROLES), required=True)
@click.option("--department", help="needed for team_reviewer and department_reviewer")
@click.option("--unit", "unit_code", help="the recommending unit's code (needed for unit_clerk)")
@click.option("--email")
@click.option("--password-stdin", "password_stdin", is_flag=True, help=_STDIN_HELP)
@password_file_option
@pass_runtime
def create(
    rt: Runtime,
    username: str,
    display_name: str,
    role: str,
    department: str | None,
    unit_code: str | None,
    email: str | None,
    password_stdin: bool,
    password_file: Path | None,
) -> None:
    """Create an account (run on the server: the command line acts as the system)."""
    password = read_password(password_stdin, from_file=password_file)
    with rt.uow() as uow:
        row = users.create_user(
            uow,
            username=username,
            display_name=display_name,
            password=password,
            role=role,
            department=department,
            unit_code=unit_code,
            email=email,
            actor=SYSTEM,
            now=now_utc(),
        )
        data = {"id": row.id, "username": row.username, "role": row.role}
    rt.emit(
        data, words.say("user_created", username=row.username, role=words.label("role", row.role))
    )


@user.group("token", invoke_without_command=True)
@click.option("--username", help="whose token (issuing or listing)")
@click.option("--name", "token_name", help="what the token is for (issuing)")
@click.option("--days", type=int, default=90, show_default=True, help="0: never expires")
@click.pass_context
def token(ctx: click.Context, username: str | None, token_name: str | None, days: int) -> None:
    """Issue an API token (shown once; only its hash is stored); `list`, `revoke ID`."""
    if ctx.invoked_subcommand is not None:
        return
    if not username or not token_name:
        raise click.UsageError(words.say("token_needs_names", username="--username", name="--name"))
    rt = ctx.find_object(Runtime)
    assert rt is not None
    with rt.uow() as uow:
        account = users.find_user(uow, username)
        plain = users.issue_token(uow, account.id, token_name, now_utc(), days or None)
    rt.emit({"username": username, "token": plain}, plain)


@user.command("list")
@pass_runtime
def list_users(rt: Runtime) -> None:
    """Every account."""
    with rt.uow() as uow:
        data = [
            {
                "id": u.id,
                "username": u.username,
                "name": u.display_name,
                "role": u.role,
                "department": u.department,
                "unit": u.unit_code,
                "active": u.active,
            }
            for u in users.list_users(uow, SYSTEM)  # the console operator
        ]
    rt.emit(
        data,
        "\n".join(
            f"{d['id']:>4}  {d['username']:<16} {words.pad(words.role(str(d['role'])), 16)} "
            f"{d['department'] or d['unit'] or '-':<14} {d['name']}"
            + ("" if d["active"] else "  " + words.say("inactive"))
            for d in data
        )
        or words.say("no_users"),
    )
