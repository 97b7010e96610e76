"""Readiness: can what the composition root wired be reached, and is the schema current?

`/readyz` (web/health.py) asks this. Each check answers in about a second at most, so a
load balancer polling it is never held up; a failed check names itself and why, briefly,
without a URL or a password (config/redact.py).
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from config.catalogue import Message, msg
from config.redact import scrub
from config.settings import Settings
from models.migrate import current_revision, head_revision

TIMEOUT_S = 1.0
OK = "ok"
DEFAULT_PORTS = {"amqp": 5672, "amqps": 5671, "pyamqp": 5672}
UPGRADE = "honorflow db upgrade"  # what a schema behind the migrations asks for


@dataclass(frozen=True)
class Check:
    """One check's answer: `ok`, or a code (`unreachable`, `schema_behind`) with its words."""

    code: str = OK
    message: Message | None = None


@dataclass(frozen=True)
class Readiness:
    """Each check by name."""

    checks: dict[str, Check] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(check.code == OK for check in self.checks.values())


def readiness(engine: Engine, settings: Settings) -> Readiness:
    """The database (reachable, schema at the migrations' head) and the broker, if one is set."""
    checks = {"database": database_check(engine)}
    if settings.broker_url:
        checks["broker"] = broker_check(settings.broker_url)
    return Readiness(checks)


def database_check(engine: Engine) -> Check:
    """`ok` when the database answers and its schema is at the head revision."""
    try:
        current = current_revision(engine)
    except Exception as exc:  # unreachable, refused, no such database: the reason, briefly
        return _unreachable(exc)
    head = head_revision()
    if current != head:
        words = msg(
            "health.schema_behind",
            current=current or "-",
            head=head,
            command=UPGRADE,
        )
        return Check("schema_behind", words)
    return Check()


def database_refusal(engine: Engine, shown: str) -> Message | None:
    """Why a process cannot work on this database (`shown`: its URL without the password):
    unreachable, no tables yet, or an older schema, each with what to run; None if it can."""
    try:
        current = current_revision(engine)
    except (SQLAlchemyError, OSError) as exc:
        error = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        return msg("error.database_unreachable", database=shown, error=error)
    head = head_revision()
    if current is None:
        return msg("error.schema_empty", database=shown, command=UPGRADE)
    if current != head:
        return msg(
            "error.schema_not_current", database=shown, current=current, head=head, command=UPGRADE
        )
    return None


def broker_check(url: str) -> Check:
    """`ok` when the broker answers: a Redis PING, or a TCP connection for other transports."""
    try:
        if urlsplit(url).scheme in ("redis", "rediss"):
            _ping_redis(url)
        else:
            _connect(url)
    except Exception as exc:
        return _unreachable(exc)
    return Check()


def _ping_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S, retry_on_timeout=False
    )
    try:
        client.ping()
    finally:
        client.close()


def _connect(url: str) -> None:
    """Another transport (AMQP…): its port accepts a connection."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 5672)
    with socket.create_connection((parts.hostname or "localhost", port), timeout=TIMEOUT_S):
        pass


def _unreachable(exc: BaseException) -> Check:
    """The error's type and first line, without any URL password, at most 200 characters."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    return Check(
        "unreachable",
        msg("health.unreachable", error=scrub(f"{type(exc).__name__}: {first}")[:200]),
    )
