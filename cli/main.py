"""The `honorflow` command: parse, call one service, format the answer."""

from __future__ import annotations

import sys

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
from cli.runtime import Runtime
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
    """Entry point: domain errors become one clear line and their exit code."""
    _scrub_logs()
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(words.say("aborted"), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except HonorflowError as exc:
        # The words in HONORFLOW_LOCALE (default zh-CN); the exit code tells scripts the kind.
        locale = catalogue.cli_locale()
        click.echo(catalogue.text("cli.error", locale, message=exc.text(locale)), err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:  # a folder or file the process needs: one line, not a traceback
        click.echo(catalogue.text("cli.error", catalogue.cli_locale(), message=str(exc)), err=True)
        sys.exit(1)


def _scrub_logs() -> None:
    """No log line or traceback of any command shows a password (config/redact.py)."""
    try:
        settings = get_settings()
    except Exception:  # bad settings: the command reports them, their values scrubbed
        settings = None
    redact.install(settings)


if __name__ == "__main__":
    main()
