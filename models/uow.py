"""The unit of work: one transaction per use case; helpers and repositories never commit."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Engine, event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

from models.db import WRITE_OPTION

if TYPE_CHECKING:
    from config.audit_key import AuditKey


# Where a session factory carries the audit key (config.wiring sets it).
AUDIT_KEY_INFO = "honorflow.audit_key"
# Where a session names the unit of work it serves, for the listeners below.
_UOW_INFO = "honorflow.uow"


class UnitOfWork:
    """Wraps a session; `commit` ends the use case, leaving the block uncommitted rolls back.

    `write` says whether its transactions will write: on SQLite a writer begins with
    `BEGIN IMMEDIATE` (the write lock, taken before anything is read), a reader with a plain
    deferred `BEGIN` that takes no lock. A reader that must write after all (an audit row of a
    read) does so inside `writing()`; a writer reads without the lock inside `reading()`.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        after_commit: Callable[[list[int]], None] | None = None,
        audit_key: AuditKey | None = None,
        *,
        write: bool = True,
        reads_after_commit: bool = False,
    ) -> None:
        self._factory = session_factory
        self._audit_key = audit_key
        self._session: Session | None = None
        self.write = write
        self._mode = write
        self._wrote = False  # whether the open transaction wrote anything (flush or DML)
        # A request's use case ends at its commit: what its handler reads afterwards to answer
        # is read without the lock, so no lock is held while the answer is serialised and sent
        # (FastAPI does both after the handler returned, the first in another worker thread).
        self._reads_after_commit = reads_after_commit
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
        self._mode = self.write
        self._wrote = False
        self._session.info[_UOW_INFO] = self  # for `note_written` and the listeners below
        if isinstance(self._factory, sessionmaker):
            _listen_once(self._factory)
        else:
            event.listen(self._session, "after_flush", self._flushed)
            event.listen(self._session, "do_orm_execute", self._executed)
            event.listen(self._session, "after_transaction_end", self._ended)
        self._bind_for(self.write)
        return self

    def _flushed(self, *_: Any) -> None:
        self._wrote = True

    def _executed(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._wrote = True

    def _ended(self, _session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None:
            self._wrote = False

    def end_read(self) -> None:
        """End an open transaction that only read (the answer's reads after the use case),
        keeping what it loaded: no connection or lock is then held while the answer is
        serialised in another worker thread. A transaction that wrote is left to the block."""
        session = self._session
        if session is not None and session.in_transaction() and not (self._wrote or self._mode):
            session.commit()

    def _bind_for(self, write: bool) -> None:
        # The session's next transaction begins on a view of the engine carrying the mode (same
        # pool); models.db's begin hook reads it. An open transaction keeps its connection.
        engine = self._factory.kw.get("bind")
        if isinstance(engine, Engine):
            self.session.bind = _view(engine, write)
        self._mode = write

    def _end_transaction(self) -> None:
        # Commit, not roll back: nothing was written, and loaded objects stay loaded.
        if self.session.in_transaction():
            self.session.commit()

    @contextmanager
    def reading(self) -> Iterator[Self]:
        """Read without the write lock (authentication before a write): the block's transaction
        is a reader's and ends with the block, so no lock or snapshot outlives it."""
        previous = self._mode
        if previous:
            self._end_transaction()
            self._bind_for(False)
        try:
            yield self
            self._end_transaction()
        except BaseException:
            self.session.rollback()
            raise
        finally:
            self._bind_for(previous)

    @contextmanager
    def one_statement(self) -> Iterator[Self]:
        """A read that is one statement: on PostgreSQL, when this reader has no transaction
        open, it runs outside one (autocommit), sparing the BEGIN and COMMIT round trips; one
        statement sees one snapshot anyway. Otherwise (SQLite, a writer, a transaction already
        open, whose snapshot the statement must share) it runs as any other read."""
        if self._mode or self.session.in_transaction() or self.dialect != "postgresql":
            yield self
            return
        self.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            yield self
            self._end_transaction()  # nothing to commit: hands the connection back
        except BaseException:
            self.session.rollback()
            raise

    @contextmanager
    def writing(self) -> Iterator[Self]:
        """Write from a reader (an audit row of a read, a token's last use): the read transaction
        ends first, so the write begins with the lock instead of upgrading a stale snapshot."""
        previous = self._mode
        if not previous:
            self._end_transaction()
            self._bind_for(True)
        try:
            yield self
        finally:
            self._bind_for(previous)  # the open transaction, if any, keeps its connection

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Closing ends the transaction (rolling back whatever was not committed) and detaches
        # loaded objects with their state intact, so a read-only use case can return them.
        self.session.close()
        self.session.info.pop(_UOW_INFO, None)
        self._session = None

    def commit(self) -> None:
        """Commit everything the use case wrote, then publish the messages it queued."""
        self.session.commit()
        if self._reads_after_commit and self._mode:
            self._bind_for(False)
        queued, self.queued_messages = self.queued_messages, []
        if queued and self._after_commit is not None:
            self._after_commit(queued)


# Both views of each engine, made once: `Engine.execution_options` builds a new engine object
# each time it is called, which every unit of work did on entering.
_VIEWS: weakref.WeakKeyDictionary[Engine, dict[bool, Engine]] = weakref.WeakKeyDictionary()


def _view(engine: Engine, write: bool) -> Engine:
    """The engine as seen by a writer (True) or a reader (False); same pool, same connections."""
    views = _VIEWS.get(engine)
    if views is None:
        views = {w: engine.execution_options(**{WRITE_OPTION: w}) for w in (True, False)}
        _VIEWS[engine] = views
    return views[write]


# The factories whose sessions already report to their unit of work. Listening once per
# factory instead of once per session: registering three listeners on every new session was
# about a third of a millisecond per unit of work, tens of seconds in a national demo.
_LISTENING: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()


def _listen_once(factory: sessionmaker[Session]) -> None:
    if factory in _LISTENING:
        return
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _do_orm_execute)
    event.listen(factory, "after_transaction_end", _after_transaction_end)
    _LISTENING.add(factory)


def _uow_of(session: Session) -> UnitOfWork | None:
    uow: UnitOfWork | None = session.info.get(_UOW_INFO)
    return uow


def note_written(session: Session) -> None:
    """A write sent past the session's own execute (`models.direct`): its unit of work holds
    writes now, as the session's events would have told it."""
    if (uow := _uow_of(session)) is not None:
        uow._flushed()


def _after_flush(session: Session, *_: Any) -> None:
    if (uow := _uow_of(session)) is not None:
        uow._flushed()


def _do_orm_execute(state: ORMExecuteState) -> None:
    if (uow := _uow_of(state.session)) is not None:
        uow._executed(state)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if (uow := _uow_of(session)) is not None:
        uow._ended(session, transaction)
