"""The composition root: settings → engine and sessions → unit of work → mail → clock.

Every entry point gets what it runs on from here, and wires nothing itself: the
`honorflow` command (`cli/runtime.py` builds one `Wiring` per invocation), the web app
(`web/app.py` builds one per app) and the Celery tasks (`tasks/jobs.py` use one per
worker process, `for_process`).

Why in `config`: it is the one package every entry point may import without importing
another entry point (web must not import tasks or cli, cli must not import web), and it
already is what all of them read first. At import time it needs only `config` and
`models` (engine, session factory, unit of work). What it wires from above is imported
inside the functions that use it, so `config` depends on nothing above `models` when it
is loaded and `import config.wiring` pulls in neither Celery nor SMTP:
`notifications.transport` for the transport, and `tasks.jobs` for the publisher that
hands committed outbox ids to the workers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from config.audit_key import AuditKey, load_audit_key
from config.dates import parse_instant
from config.settings import Settings, get_settings
from models import db
from models.db import make_engine, make_session_factory
from models.uow import AUDIT_KEY_INFO, UnitOfWork

if TYPE_CHECKING:
    from notifications.transport import Transport
    from workflow.attachments.store import AttachmentStore

# What the entry points hold to open units of work; they never name SQLAlchemy themselves.
SessionFactory = db.SessionFactory
# A database too busy to answer (a write lock never granted, a pool that stayed empty): the
# errors to ask `is_busy` about, for entry points that answer it as "try again" (web/busy.py).
BUSY_ERRORS = db.BUSY_ERRORS
is_busy = db.is_busy

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Publisher = Callable[[list[int]], None]


def utc_now() -> datetime:
    """The wall clock, in UTC: read at the entry point and passed down as `now`."""
    return datetime.now(UTC)


def clock_at(now: str | None) -> Clock:
    """The real clock, or a fixed instant when a caller simulates time (ISO 8601; without a
    zone it is Beijing time, as everywhere a time is typed)."""
    if now is None:
        return utc_now
    fixed = parse_instant(now)
    return lambda: fixed


@dataclass(frozen=True)
class Wiring:
    """What a process runs use cases and sends mail with."""

    settings: Settings
    session_factory: SessionFactory
    # Hands committed outbox ids to the workers; None: the beat's relay sends them.
    publish: Publisher | None
    clock: Clock = utc_now
    # Seals the audit chain (config/audit_key.py); None only for databases made by tests.
    audit_key: AuditKey | None = None

    @property
    def engine(self) -> Engine:
        bind = self.session_factory.kw["bind"]
        assert isinstance(bind, Engine)
        return bind

    def new_uow(self, write: bool = True, *, request: bool = False) -> UnitOfWork:
        """A unit of work whose committed outbox messages go to the publisher; `write=False`
        for a read, which takes no write lock on SQLite; `request=True` for a web request,
        whose use case ends at its commit (models/uow.py)."""
        return UnitOfWork(
            self.session_factory,
            after_commit=self.publish,
            audit_key=self.audit_key,
            write=write,
            reads_after_commit=request,
        )

    def transport(self) -> Transport:
        """Where mail goes: the SMTP server when one is configured, else `.eml` files."""
        from notifications.transport import transport_from_settings

        return transport_from_settings(self.settings)

    def attachment_store(self) -> AttachmentStore:
        """Where attachments are kept: under `HONORFLOW_ATTACHMENTS_DIR`, else the data folder."""
        from workflow.attachments.store import FileStore

        return FileStore(self.settings.resolved_attachments_dir())


def wire(settings: Settings | None = None) -> Wiring:
    """Wire the configured deployment: its database, and its workers when any listen."""
    settings = settings or get_settings()
    engine = make_engine(settings.resolved_database_url())
    factory = make_session_factory(engine)
    key = load_audit_key(settings)
    factory.configure(info={AUDIT_KEY_INFO: key})  # every unit of work over it seals the audit
    return Wiring(settings, factory, publisher(settings), audit_key=key)


def over(
    session_factory: SessionFactory,
    settings: Settings | None = None,
    audit_key: AuditKey | None = None,
) -> Wiring:
    """Wiring over a database someone else made (tests, tools): nothing is published, and the
    audit is sealed only with the key given."""
    if audit_key is not None:
        session_factory.configure(info={AUDIT_KEY_INFO: audit_key})
    return Wiring(settings or get_settings(), session_factory, publish=None, audit_key=audit_key)


@lru_cache(maxsize=1)
def for_process() -> Wiring:
    """One wiring per worker process, made on first use (an engine's pool is not fork-safe)."""
    return wire()


def publish_messages(message_ids: list[int]) -> None:
    """Ask the workers to send these committed messages; the relay catches what is lost.

    The broker being unreachable does not fail the change (it is committed): a WARNING names
    the outbox ids left for the beat's relay, which sends them within a minute or so.
    """
    from tasks.jobs import send_message  # Celery is imported only when something is sent

    for done, message_id in enumerate(message_ids):
        try:
            send_message.delay(message_id)
        except Exception as exc:  # the broker is down: the periodic relay will send them
            left = message_ids[done:]
            error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning(
                "could not publish outbox message(s) %s to the broker (%s); the relay will send "
                "them",
                ", ".join(map(str, left)),
                error,
                extra={"outbox_ids": left, "error": error},
            )
            return


def publisher(settings: Settings) -> Publisher | None:
    """How committed messages reach the workers, if any are listening.

    With a broker configured (Redis), always. With the embedded broker, only once a worker
    has made its queue folder (`honorflow up`); otherwise the messages wait for the relay.
    """
    if settings.broker_url or (settings.data_dir / "broker" / "queue").is_dir():
        return publish_messages
    return None
