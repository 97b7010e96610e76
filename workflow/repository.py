"""Loading rows for a use case: lookups that name what is missing, locks, conflict mapping;
writing a loaded row at once."""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import Integer, Select, Table, Update, bindparam, event, inspect, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction, defer, lazyload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from config.catalogue import Label, msg
from models import Campaign, DefinitionVersion, Nomination, RecommendingUnit, ReviewTask, direct
from models.uow import UnitOfWork
from workflow.errors import ConcurrentChange, NotFound

T = TypeVar("T")


def not_found(what: str, ident: object) -> NotFound:
    """NotFound naming the kind of row (by its label) and the id asked for, nothing more: the
    same words whether the row is missing or out of sight, never a unit or department."""
    thing = Label("thing", what.replace(" ", "_"))
    return NotFound(msg("error.not_found", what=thing, id=ident))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def get(uow: UnitOfWork, model: type[T], ident: int, what: str | None = None) -> T:
    """Load a row by id or raise NotFound naming it."""
    if not -(2**63) < ident < 2**63:  # no row has it; SQLite's driver would fail on it
        raise not_found(what or _snake(model.__name__), ident)
    row = uow.session.get(model, ident)
    if row is None:
        raise not_found(what or _snake(model.__name__), ident)
    return row


def lock_nomination(
    uow: UnitOfWork, nomination_id: int, expected_version: int | None = None
) -> Nomination:
    """Load a nomination for change: a row lock on PostgreSQL, the version column everywhere."""
    try:
        row = _locked(uow, _BY_ID, nomination_id)
    except OperationalError:
        raise ConcurrentChange(msg("error.busy", id=nomination_id)) from None
    if row is None:
        raise not_found("nomination", nomination_id)
    if expected_version is not None and row.version != expected_version:
        raise ConcurrentChange(
            msg(
                "error.version_changed",
                id=nomination_id,
                expected=expected_version,
                version=row.version,
            )
        )
    return row


def lock_task(uow: UnitOfWork, task_id: int) -> tuple[ReviewTask, Nomination]:
    """A review task and its nomination, for change, in two statements: the nomination locked
    first (found by the task's id, as every writer of a task locks its nomination first), then
    the task read under that lock, fresh even if the session held it (another reviewer may
    have acted while we waited)."""
    if not -(2**63) < task_id < 2**63:
        raise not_found("task", task_id)
    try:
        nomination = _locked(uow, _BY_TASK, task_id)
    except OperationalError:
        raise _busy_task(uow, task_id) from None
    task = (
        uow.session.scalars(_FRESH_TASK, {"ident": task_id}).one_or_none()
        if nomination is not None
        else None
    )
    if nomination is None or task is None:
        raise not_found("task", task_id)
    return task, nomination


def _locked(uow: UnitOfWork, by: str, ident: int) -> Nomination | None:
    """The nomination found `by` its id or a task's id, locked (FOR UPDATE on PostgreSQL)."""
    query = _LOCK_QUERIES[by, uow.dialect == "postgresql"]
    row = uow.session.execute(query, {"ident": ident}).one_or_none()
    if row is None:
        return None
    nomination, campaign, unit, definition = row
    # The three rows come as entities of their own (setting up a joined eager load's row
    # processors cost more than reading the row); the relationships are set as loaded.
    set_committed_value(nomination, "campaign", campaign)
    set_committed_value(nomination, "unit", unit)
    set_committed_value(nomination, "definition", definition)
    return nomination


_BY_ID, _BY_TASK = "id", "task"


_Locked = Select[Nomination, Campaign, RecommendingUnit, DefinitionVersion]


def _lock_query(by: str, for_update: bool) -> _Locked:
    ident = bindparam("ident", type_=Integer)
    owner = select(ReviewTask.nomination_id).where(ReviewTask.id == ident).scalar_subquery()
    # The campaign's own definition version is almost always the nomination's, already in the
    # identity map: loading it lazily spares joining (and reading) that row a second time. The
    # nominee's texts and the campaign's composition rules, which no change reads on its way,
    # are loaded on first use only.
    query = (
        select(Nomination, Campaign, RecommendingUnit, DefinitionVersion)
        .join(Campaign, Campaign.id == Nomination.campaign_id)
        .join(RecommendingUnit, RecommendingUnit.id == Nomination.unit_id)
        .join(DefinitionVersion, DefinitionVersion.id == Nomination.definition_id)
        .where(Nomination.id == (ident if by == _BY_ID else owner))
        .options(
            lazyload(Nomination.campaign),
            lazyload(Nomination.unit),
            lazyload(Nomination.definition),
            lazyload(Campaign.definition),
            defer(Nomination.summary),
            defer(Nomination.deeds),
            defer(Campaign.composition),
        )
    )
    return query.with_for_update(of=Nomination) if for_update else query


# Built once: building the query and its loader options on every change cost more than
# running it. Keyed by what finds the nomination and whether the database takes row locks.
_LOCK_QUERIES = {
    (by, for_update): _lock_query(by, for_update)
    for by in (_BY_ID, _BY_TASK)
    for for_update in (False, True)
}


# The task, read under its nomination's lock, fresh even if the session held it.
_FRESH_TASK = (
    select(ReviewTask)
    .where(ReviewTask.id == bindparam("ident"))
    .execution_options(populate_existing=True)
)


def _busy_task(uow: UnitOfWork, task_id: int) -> ConcurrentChange:
    """A busy task's refusal, naming its nomination (or the database, if that cannot be read)."""
    uow.session.rollback()
    try:
        owner = uow.session.scalar(select(ReviewTask.nomination_id).where(ReviewTask.id == task_id))
    except OperationalError:
        owner = None
    if owner is None:
        return ConcurrentChange(msg("error.database_busy"))
    return ConcurrentChange(msg("error.busy", id=owner))


class Versioned(Protocol):
    """A row with an id and a version column (`version_id_col`): a nomination, a task."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...


def write_now(uow: UnitOfWork, row: Versioned, values: dict[str, Any]) -> None:
    """Write columns of a loaded row at once, in one Core UPDATE checked against its version,
    and record them on the row object as loaded, so the ORM has nothing left to write for
    them: the ORM's own flush of one row costs about three times the statement.

    A row changed since it was loaded matches nothing and fails as the ORM's flush would
    (StaleDataError, which `conflicts_reported` turns into ConcurrentChange).
    """
    # Changes the ORM holds (the row's own, e.g. an alternate stepped up earlier in the
    # transaction) are written first, as the statement's autoflush would, so the version
    # checked is the one they leave. Nothing pending: nothing is done.
    uow.session.flush()
    version = row.version
    table = inspect(type(row)).local_table
    statement = _versioned_update(table, tuple(sorted(values)))
    params = {f"new_{key}": value for key, value in values.items()}
    ident = {"row_id": row.id, "row_version": version, "new_version": version + 1}
    written = direct.execute(uow.session, statement, params | ident)
    if written.rowcount != 1:
        raise StaleDataError(f"{table.name} row {row.id} changed since it was loaded")
    for key, value in values.items():
        set_committed_value(row, key, value)
    set_committed_value(row, "version", version + 1)
    uow.session.info.setdefault(_WRITTEN_NOW, weakref.WeakSet()).add(row)


# The rows `write_now` wrote, per session. The ORM expires what it flushed itself when a
# savepoint rolls back (the sweep fires each deadline in one), not these: they are expired
# here, so a later read loads what the database kept. Expiring more than needed only reloads.
_WRITTEN_NOW = "honorflow.written_now"


@event.listens_for(Session, "after_soft_rollback")
def _expire_written(session: Session, _previous: SessionTransaction) -> None:
    for row in session.info.pop(_WRITTEN_NOW, ()):
        if row in session:
            session.expire(row)


@lru_cache(maxsize=64)
def _versioned_update(table: Table, keys: tuple[str, ...]) -> Update:
    # Built once per table and set of columns (a state change writes the same few).
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.version == bindparam("row_version"))
        .values(
            {**{key: bindparam(f"new_{key}") for key in keys}, "version": bindparam("new_version")}
        )
    )


def commit(uow: UnitOfWork) -> None:
    """Commit the use case, turning a lost optimistic race into ConcurrentChange."""
    with conflicts_reported(uow):
        uow.commit()


@contextmanager
def conflicts_reported(uow: UnitOfWork) -> Iterator[None]:
    """Turn a row changed under us (seen at any flush, not only at commit) into ConcurrentChange."""
    try:
        yield
    except StaleDataError:
        uow.session.rollback()
        raise ConcurrentChange(msg("error.concurrent_change")) from None
