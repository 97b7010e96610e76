"""What an account may be attached to: the departments loaded definitions declare, the units
campaigns' quota tables name; and the words of a refusal that names the known ones."""

from __future__ import annotations

from sqlalchemy import select

from config.catalogue import Listing, Message, msg
from models import RecommendingUnit
from models.uow import UnitOfWork
from workflow.queries.campaigns import department_names


def known_departments(uow: UnitOfWork) -> dict[str, str]:
    """Department and team codes -> names, from every loaded definition."""
    return department_names(uow)


def known_units(uow: UnitOfWork) -> dict[str, str]:
    """Recommending unit codes -> names, from the campaigns' quota tables, by code."""
    rows = uow.session.execute(
        select(RecommendingUnit.code, RecommendingUnit.name).order_by(RecommendingUnit.code)
    )
    return {code: name for code, name in rows}


def _named(known: dict[str, str]) -> Listing | Message:
    if not known:
        return msg("user_problem.none_known")
    return Listing(tuple(f"{code}（{name}）" for code, name in sorted(known.items())))


def department_problem(uow: UnitOfWork, department: str) -> list[Message]:
    """A refusal naming the known departments, unless one declares this code."""
    known = known_departments(uow)
    if department in known:
        return []
    return [msg("user_problem.department_unknown", department=department, known=_named(known))]


def unit_problem(uow: UnitOfWork, unit_code: str) -> list[Message]:
    """A refusal naming the known units, unless a quota table has this code."""
    known = known_units(uow)
    if unit_code in known:
        return []
    return [msg("user_problem.unit_unknown", unit=unit_code, known=_named(known))]
