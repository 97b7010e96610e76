"""Loading rows for a use case: lookups that name what is missing, locks, conflict mapping."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from models import Nomination
from models.uow import UnitOfWork
from workflow.errors import ConcurrentChange, NotFound

T = TypeVar("T")


def get(uow: UnitOfWork, model: type[T], ident: int, what: str | None = None) -> T:
    """Load a row by id or raise NotFound naming it."""
    if not -(2**63) < ident < 2**63:  # no row has it; SQLite's driver would fail on it
        raise NotFound(f"{what or model.__name__} {ident} does not exist")
    row = uow.session.get(model, ident)
    if row is None:
        raise NotFound(f"{what or model.__name__} {ident} does not exist")
    return row


def lock_nomination(
    uow: UnitOfWork, nomination_id: int, expected_version: int | None = None
) -> Nomination:
    """Load a nomination for change: a row lock on PostgreSQL, the version column everywhere."""
    query = select(Nomination).where(Nomination.id == nomination_id)
    if uow.dialect == "postgresql":
        query = query.with_for_update(of=Nomination)
    try:
        row = uow.session.scalars(query).unique().one_or_none()
    except OperationalError as exc:
        raise ConcurrentChange(f"nomination {nomination_id} is busy: {exc.orig}") from None
    if row is None:
        raise NotFound(f"nomination {nomination_id} does not exist")
    if expected_version is not None and row.version != expected_version:
        raise ConcurrentChange(
            f"nomination {nomination_id} changed since you loaded it "
            f"(version {expected_version}, now {row.version}); reload and try again"
        )
    return row


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
        raise ConcurrentChange(
            "another action changed this record at the same time; reload and try again"
        ) from None
