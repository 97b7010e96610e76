"""What the tasks share in one worker process: the database, the mail transport, the clock."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy.orm import Session, sessionmaker

from config.settings import get_settings
from models.db import make_engine, make_session_factory
from models.uow import UnitOfWork
from notifications.transport import Transport, transport_from_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def session_factory() -> sessionmaker[Session]:
    """One engine per worker process (its pool is not shared across a fork)."""
    return make_session_factory(make_engine(get_settings().resolved_database_url()))


def new_uow() -> UnitOfWork:
    """A unit of work whose committed messages are published to the workers."""
    return UnitOfWork(session_factory(), after_commit=publish_messages)


def transport() -> Transport:
    return transport_from_settings(get_settings())


def clock_at(now: str | None) -> Callable[[], datetime]:
    """The real clock, or a fixed instant (ISO 8601) when a caller simulates time."""
    if now is None:
        return lambda: datetime.now(UTC)
    fixed = datetime.fromisoformat(now)
    if fixed.tzinfo is None:
        raise ValueError(f"now must carry a time zone, got {now!r}")
    return lambda: fixed


def publish_messages(message_ids: list[int]) -> None:
    """Ask the workers to send these committed messages; the relay catches what is lost."""
    from tasks.jobs import send_message

    try:
        for message_id in message_ids:
            send_message.delay(message_id)
    except Exception:  # the broker is down: the periodic relay will send them
        log.warning("could not publish %d message(s); the relay will send them", len(message_ids))


def publisher() -> Callable[[list[int]], None] | None:
    """How an entry point hands committed messages to the workers, if any are listening.

    With Redis configured, always. With the embedded broker, only once a worker has made
    its queue folder (`honorflow up`); otherwise the messages wait for the next relay.
    """
    settings = get_settings()
    if settings.broker_url or (settings.data_dir / "broker" / "queue").is_dir():
        return publish_messages
    return None
