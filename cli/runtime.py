"""What every command shares: the wiring, the acting user, output as text or JSON.

The database, the unit of work and its publisher come from the composition root
(`config.wiring`), built once per invocation; this module only parses and prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import click
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from config import wiring
from config.catalogue import cli_locale
from config.health import database_refusal
from config.wiring import SessionFactory, Wiring
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.errors import NotReady
from workflow.problems import Problem


@dataclass
class Runtime:
    """Per-invocation state: output mode and the wiring, made when first needed."""

    json_output: bool = False
    _wiring: Wiring | None = None

    @property
    def wiring(self) -> Wiring:
        if self._wiring is None:
            self._wiring = wiring.wire()
        return self._wiring

    @property
    def url(self) -> str:
        return self.wiring.settings.resolved_database_url()

    @property
    def engine(self) -> Engine:
        return self.wiring.engine

    @property
    def sf(self) -> SessionFactory:
        return self.wiring.session_factory

    @contextmanager
    def uow(self) -> Iterator[UnitOfWork]:
        with self.wiring.new_uow() as uow:
            yield uow

    def emit(self, data: Any, text: str | None = None) -> None:
        """Print JSON when --json was given, else the human text (or a JSON dump)."""
        if self.json_output or text is None:
            click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        else:
            click.echo(text)


pass_runtime = click.make_pass_decorator(Runtime)


def refuse_old_schema(rt: Runtime) -> None:
    """A serving process (web, worker) refuses, in one line, a database it cannot reach or
    whose schema is not the current one: migrations are an explicit step, `db upgrade`."""
    problem = database_refusal(rt.engine, rt.wiring.settings.shown_database_url())
    if problem is not None:
        raise NotReady(problem)


def schema_refusal(failure: BaseException) -> NotReady | None:
    """Why the configured database cannot answer a command, when a database error is why one
    failed: unreachable, no tables yet, or an older schema (one line with what to run)."""
    if not isinstance(failure, SQLAlchemyError):
        return None
    try:
        refuse_old_schema(Runtime())
    except NotReady as refusal:
        return refusal
    return None


def now_utc() -> datetime:
    """The wall clock, read only at the entry point."""
    return wiring.utc_now()


def parse_actor(spec: str, name: str | None) -> Actor:
    """'role[:department][@unit]' as typed on the command line, e.g. department_reviewer:tax.

    Such an actor has no account: it is recognised by its name only where no account is
    recorded (see Actor.same_person). `--as user:USERNAME` acts as that account instead.
    """
    unit = None
    if "@" in spec:
        spec, unit = spec.split("@", 1)
    role, _, department = spec.partition(":")
    try:
        return Actor(name or role, role, department or None, unit or None)
    except ValueError as exc:
        shown = exc.message.render(cli_locale()) if isinstance(exc, Problem) else str(exc)
        raise click.BadParameter(shown, param_hint="--as") from None


def resolve_actor(uow: UnitOfWork, spec: str, name: str | None) -> Actor:
    """The actor of --as: an account (`user:USERNAME`, as on the web) or a role spec."""
    if spec.startswith(USER_PREFIX):
        from workflow.services import users

        return users.actor_of(users.find_user(uow, spec.removeprefix(USER_PREFIX)))
    return parse_actor(spec, name)


USER_PREFIX = "user:"
F = TypeVar("F", bound=Callable[..., Any])


def actor_option(default: str = "admin") -> Callable[[F], F]:
    """The --as and --name options every acting command takes."""

    def decorate(func: F) -> F:
        func = click.option("--name", "actor_name", help="who you are (recorded in the audit)")(
            func
        )
        return click.option(
            "--as",
            "actor_spec",
            default=default,
            show_default=True,
            help="role[:department][@unit], e.g. department_reviewer:tax or unit_clerk@city01; "
            "or user:USERNAME to act as that account",
        )(func)

    return decorate
