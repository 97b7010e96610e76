"""The `honorflow` command: parse, call one service, format the answer."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import NoReturn

import click

from cli import (
    commands_audit,
    commands_bulk,
    commands_calendar,
    commands_campaign,
    commands_db,
    commands_deadlines,
    commands_demo,
    commands_export,
    commands_nominations,
    commands_notice,
    commands_objection,
    commands_outbox,
    commands_review,
    commands_tasks,
    commands_templates,
    commands_unit_desk,
    commands_user,
    commands_web,
    commands_workflow,
    words,
)
from cli.runtime import Runtime, schema_refusal
from config import catalogue, logs, redact
from config.settings import get_settings
from workflow.errors import HonorflowError


@click.group()
@click.option("--json", "json_output", is_flag=True, help="machine-readable output")
@click.pass_context
def cli(ctx: click.Context, json_output: bool) -> None:
    """honorflow: run honour selections from nomination to award."""
    ctx.obj = Runtime(json_output=json_output)
    # Warnings (a broker that cannot be reached, a failed send) as one line each on stderr;
    # the serving commands set their own level.
    logs.configure(get_settings().log_format, "WARNING")


for module in (
    commands_db,
    commands_workflow,
    commands_campaign,
    commands_nominations,
    commands_review,
    commands_objection,
    commands_bulk,
    commands_audit,
    commands_calendar,
    commands_notice,
    commands_demo,
    commands_user,
    commands_outbox,
    commands_deadlines,
    commands_tasks,
    commands_templates,
    commands_unit_desk,
    commands_export,
    commands_web,
):
    module.register(cli)


def main() -> None:
    """Entry point: domain errors become one clear line and their exit code; under `--json`,
    every error is `{"error": {"code", "message", "exit_code"}}` on stderr instead."""
    _scrub_logs()
    as_json = json_asked(sys.argv[1:])
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        fail(as_json, "aborted", words.say("aborted"), 1, framed=False)
    except click.ClickException as exc:
        if not as_json:
            exc.show()
            sys.exit(exc.exit_code)
        code = "usage" if isinstance(exc, click.UsageError) else "invalid"
        fail(as_json, code, exc.format_message(), exc.exit_code)
    except HonorflowError as exc:
        # The words in HONORFLOW_LOCALE (default zh-CN); the exit code tells scripts the kind,
        # and under --json the message's code tells them more.
        code = exc.message.code if exc.message is not None else "error"
        fail(as_json, code, exc.text(catalogue.cli_locale()), exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:  # a folder or file the process needs: one line, not a traceback
        fail(as_json, "os_error", str(exc), 1)
    except Exception as exc:
        # A command run before `db upgrade` (or against an older schema) fails on its first
        # statement: say that in one line. Anything else is a bug: its traceback.
        refusal = schema_refusal(exc)
        if refusal is None:
            raise
        code = refusal.message.code if refusal.message is not None else "not_ready"
        fail(as_json, code, refusal.text(catalogue.cli_locale()), refusal.exit_code)


def json_asked(args: Sequence[str]) -> bool:
    """Whether the global `--json` was given: it stands among the options before the
    subcommand. Read from the arguments, so an error click raises while parsing them (before
    the flag reaches the runtime) is answered in JSON too."""
    for arg in args:
        if arg == "--json":
            return True
        if not arg.startswith("-") or arg == "--":
            return False
    return False


def fail(as_json: bool, code: str, message: str, exit_code: int, framed: bool = True) -> NoReturn:
    """Report an error on stderr and exit: as JSON, or as the line a person reads (错误：…
    when `framed`)."""
    if as_json:
        error = {"code": code, "message": message, "exit_code": exit_code}
        click.echo(json.dumps({"error": error}, ensure_ascii=False), err=True)
    else:
        line = catalogue.text("cli.error", catalogue.cli_locale(), message=message)
        click.echo(line if framed else message, err=True)
    sys.exit(exit_code)


def _scrub_logs() -> None:
    """No log line or traceback of any command shows a password (config/redact.py)."""
    try:
        settings = get_settings()
    except Exception:  # bad settings: the command reports them, their values scrubbed
        settings = None
    redact.install(settings)


if __name__ == "__main__":
    main()
