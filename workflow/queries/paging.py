"""One page of a list, and how many rows the whole list has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select

from models.uow import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a list and how many rows the whole list has."""

    total: int
    items: list[T]


def page(uow: UnitOfWork, query: Select[T], limit: int, offset: int) -> Paged[T]:
    """Run the query for one page, and count the whole list."""
    total = uow.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = uow.session.scalars(query.limit(limit).offset(offset)).unique()
    return Paged(int(total or 0), list(rows))
