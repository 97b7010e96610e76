"""The unit of work: one transaction per use case; helpers and repositories never commit."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from config.audit_key import AuditKey


class UnitOfWork:
    """Wraps a session; `commit` ends the use case, leaving the block uncommitted rolls back."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        after_commit: Callable[[list[int]], None] | None = None,
        audit_key: AuditKey | None = None,
    ) -> None:
        self._factory = session_factory
        # Seals the audit events this unit writes (workflow.audit); None writes unkeyed events.
        self.audit_key = audit_key
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
