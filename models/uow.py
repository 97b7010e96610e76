"""The unit of work: one transaction per use case; helpers and repositories never commit."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from config.audit_key import AuditKey


# Where a session factory carries the audit key (config.wiring sets it).
AUDIT_KEY_INFO = "honorflow.audit_key"


class UnitOfWork:
    """Wraps a session; `commit` ends the use case, leaving the block uncommitted rolls back."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        after_commit: Callable[[list[int]], None] | None = None,
        audit_key: AuditKey | None = None,
    ) -> None:
        self._factory = session_factory
        self._audit_key = audit_key
        self._session: Session | None = None
        # Outbox messages written in this transaction; handed to `after_commit` (which
        # publishes them to the workers) once they are committed, never before.
        self.queued_messages: list[int] = []
        self._after_commit = after_commit

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._session

    @property
    def audit_key(self) -> AuditKey | None:
        """The key the audit events this unit writes are sealed with (workflow.audit).

        Given here, or carried by the session factory (`session.info`, set by the wiring), so
        every unit of work over the deployment's database seals; None writes unkeyed events.
        """
        if self._audit_key is not None:
            return self._audit_key
        key: AuditKey | None = self.session.info.get(AUDIT_KEY_INFO)
        return key

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def __enter__(self) -> Self:
        self._session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing ends the transaction (rolling back whatever was not committed) and detaches
        # loaded objects with their state intact, so a read-only use case can return them.
        self.session.close()
        self._session = None

    def commit(self) -> None:
        """Commit everything the use case wrote, then publish the messages it queued."""
        self.session.commit()
        queued, self.queued_messages = self.queued_messages, []
        if queued and self._after_commit is not None:
            self._after_commit(queued)
