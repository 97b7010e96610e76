"""A unit's places (quota) and its submission rules, as guards of `submit` and step-ups.

Checked when a unit submits a main nomination, and when an alternate would step up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select, true

from config.catalogue import Label, msg
from models import Nomination, PlaceTally, QuotaAllocation
from models.nominations import official_level
from models.uow import UnitOfWork
from workflow.errors import RuleFailure
from workflow.rules.unit_rules import (
    HeadNeedsAlternate,
    OfficialAllowance,
    check_head_alternate,
    check_official_allowance,
)
from workflow.states import HOLD_NO_PLACE, STANDINGS_HOLDING_PLACE, STANDINGS_NOT_CLOSED
from workflow.step import Step


def quota(step: Step, *, as_main: bool = False) -> list[RuleFailure]:
    """A unit may not hold more live main nominations than its places."""
    n = step.nomination
    if n.rank != "main" and not as_main:  # as_main: may this alternate step up?
        return []
    places = unit_places(step.uow, n.campaign_id, n.unit_id, n.category, lock=True)
    limit, category = places.limit, places.category
    if limit is None:
        return [RuleFailure("quota", msg("rule.quota.no_places", unit=n.unit.name))]
    used = places_used(step.uow, n.campaign_id, n.unit_id, places, exclude=n.id)
    if used >= limit:
        figures = {"unit": n.unit.name, "places": limit, "used": used}
        if category is None:
            return [RuleFailure("quota", msg("rule.quota.full", **figures))]
        scope = Label("vocab.category", category)
        return [RuleFailure("quota", msg("rule.quota.full_category", category=scope, **figures))]
    return []


def places_used(
    uow: UnitOfWork, campaign_id: int, unit_id: int, places: Places, exclude: int | None = None
) -> int:
    """The unit's live main nominations holding one of these places (drafts hold none)."""
    params: dict[str, object] = _unit(campaign_id, unit_id) | {"exclude": exclude}
    if places.category is not None:
        query = _count_holding("category", exclude is not None)
        params["category"] = places.category
    elif places.own_categories:  # nominees with places of their own do not use the general ones
        query = _count_holding("general", exclude is not None)
        params["own"] = sorted(places.own_categories)
    else:
        query = _count_holding("all", exclude is not None)
    return uow.session.scalar(query, params) or 0


_TALLY_OF_UNIT = (
    PlaceTally.campaign_id == bindparam("campaign_id"),
    PlaceTally.unit_id == bindparam("unit_id"),
)
# Each scope of a count, as a condition on the tally and the same on a nomination's row.
_SCOPES: dict[str, tuple[ColumnElement[bool], ColumnElement[bool]]] = {
    "all": (true(), true()),
    "category": (
        PlaceTally.category == bindparam("category"),
        Nomination.category == bindparam("category"),
    ),
    "general": (
        PlaceTally.category.not_in(bindparam("own", expanding=True)),
        Nomination.category.not_in(bindparam("own", expanding=True)),
    ),
    "officials": (
        PlaceTally.official_level.in_(bindparam("levels", expanding=True)),
        official_level().in_(bindparam("levels", expanding=True)),
    ),
}


@cache
def _count_holding(scope: str, exclude: bool) -> Select[Any]:
    """The count of a unit's place holders in one scope, built once per scope.

    Read from the place tally (models/place_tally.py), so a submit costs the same in a unit
    of 50 or 5,000 nominees. With `exclude`, the nomination bound as `exclude` is left out
    if it is one of them (read by its key). Bound: `campaign_id`, `unit_id`, and the scope's
    own: `category`, `own` (the categories with places of their own) or `levels`.
    """
    on_tally, on_row = _SCOPES[scope]
    held = func.coalesce(func.sum(PlaceTally.counted), 0)
    query = select(held).where(
        *_TALLY_OF_UNIT,
        PlaceTally.rank == "main",
        PlaceTally.standing.in_(STANDINGS_HOLDING_PLACE),
        on_tally,
    )
    if not exclude:
        return query
    itself = select(func.count()).where(
        Nomination.id == bindparam("exclude"),
        Nomination.rank == "main",
        Nomination.status.not_in(HOLD_NO_PLACE),
        on_row,
    )
    return query.with_only_columns(held - itself.scalar_subquery())


@dataclass(frozen=True)
class PlacesLeft:
    """One scope of a unit's places (a category's own, or the general ones when None)."""

    category: str | None
    places: int
    used: int

    @property
    def left(self) -> int:
        """Places still free (never below zero)."""
        return max(self.places - self.used, 0)


def places_left(uow: UnitOfWork, campaign_id: int, unit_id: int) -> list[PlacesLeft]:
    """Each scope of the unit's places with its use, counted as the submit guard counts it."""
    rows = _allocations(uow, campaign_id, unit_id, lock=False)
    scopes = sorted({r.category for r in rows}, key=lambda c: (c is not None, c or ""))
    found = []
    for category in scopes:
        places = _binding(rows, category)
        if places.limit is not None:
            used = places_used(uow, campaign_id, unit_id, places)
            found.append(PlacesLeft(category, places.limit, used))
    return found


def unit_rules(step: Step) -> list[RuleFailure]:
    """The definition's rules on a unit's whole submission (officials, heads' alternates)."""
    rules = step.definition.submission.unit_rules
    if step.nomination.rank != "main":
        return []
    failures = []
    if rules.official_allowance is not None:
        failures.append(_official_allowance(step, rules.official_allowance))
    if rules.enterprise_head_alternate is not None:
        failures.append(_head_alternate(step, rules.enterprise_head_alternate))
    return [f for f in failures if f is not None]


def _official_allowance(step: Step, rule: OfficialAllowance) -> RuleFailure | None:
    n = step.nomination
    places = step.uow.session.scalar(_UNIT_PLACES, _unit_of(n))
    # Only an official's submit counts the unit's officials (the rule passes anyone else).
    held = _officials_held(step, rule.official_levels) if rule.applies(step.facts) else 0
    return check_official_allowance(rule, step.facts, n.unit.name, places or 0, held)


def _head_alternate(step: Step, rule: HeadNeedsAlternate) -> RuleFailure | None:
    n = step.nomination
    alternates = step.uow.session.scalars(_ALTERNATE_CATEGORIES, _unit_of(n)).all()
    return check_head_alternate(rule, step.facts, n.unit.name, alternates)


def _officials_held(step: Step, levels: list[str]) -> int:
    """How many of the unit's other place-holding nominations are officials of these levels."""
    n = step.nomination
    params = _unit_of(n) | {"exclude": n.id, "levels": levels}
    return step.uow.session.scalar(_count_holding("officials", True), params) or 0


def _unit_of(n: Nomination) -> dict[str, int]:
    return _unit(n.campaign_id, n.unit_id)


def _unit(campaign_id: int, unit_id: int) -> dict[str, int]:
    """The parameters of the statements below, which are built once (a submit asks each)."""
    return {"campaign_id": campaign_id, "unit_id": unit_id}


_OF_UNIT = (
    QuotaAllocation.campaign_id == bindparam("campaign_id"),
    QuotaAllocation.unit_id == bindparam("unit_id"),
)
_UNIT_PLACES = select(func.sum(QuotaAllocation.places)).where(*_OF_UNIT)
_ALLOCATIONS = select(QuotaAllocation).where(*_OF_UNIT)
_ALLOCATIONS_LOCKED = _ALLOCATIONS.with_for_update(of=QuotaAllocation)
# Distinct: the rule asks which categories the unit's alternates have, not who they are.
_ALTERNATE_CATEGORIES = (
    select(PlaceTally.category)
    .distinct()
    .where(
        *_TALLY_OF_UNIT,
        PlaceTally.rank == "alternate",
        PlaceTally.standing.in_(STANDINGS_NOT_CLOSED),
        PlaceTally.counted > 0,
    )
)


@dataclass(frozen=True)
class Places:
    """The places that bind one nomination of a unit."""

    limit: int | None  # None: the unit holds no places that fit
    category: str | None  # the category whose own places bind, or None for the general places
    own_categories: frozenset[str]  # the unit's categories that have places of their own


def unit_places(
    uow: UnitOfWork, campaign_id: int, unit_id: int, category: str, *, lock: bool = False
) -> Places:
    """The places that bind a nomination: its category's allocation if any, else the general."""
    return _binding(_allocations(uow, campaign_id, unit_id, lock=lock), category)


def _allocations(
    uow: UnitOfWork, campaign_id: int, unit_id: int, *, lock: bool
) -> list[QuotaAllocation]:
    # Locked on PostgreSQL to serialise a unit's submissions: without it two racing for the
    # last place both count the other as a draft and both pass (SQLite serialises already,
    # by BEGIN IMMEDIATE).
    query = _ALLOCATIONS_LOCKED if lock and uow.dialect == "postgresql" else _ALLOCATIONS
    return list(uow.session.scalars(query, _unit(campaign_id, unit_id)).unique().all())


def _binding(rows: list[QuotaAllocation], category: str | None) -> Places:
    own_categories = frozenset(r.category for r in rows if r.category is not None)
    if category is not None and category in own_categories:
        limit = sum(r.places for r in rows if r.category == category)
        return Places(limit, category, own_categories)
    general = [r.places for r in rows if r.category is None]
    return Places(sum(general) if general else None, None, own_categories)
