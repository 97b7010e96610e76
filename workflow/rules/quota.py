"""A unit's places (quota) and its submission rules, as guards of `submit` and step-ups.

Checked when a unit submits a main nomination, and when an alternate would step up.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from config.catalogue import Label, msg
from models import Nomination, QuotaAllocation
from workflow.errors import RuleFailure
from workflow.rules.unit_rules import check_head_alternate, check_official_allowance
from workflow.states import CLOSED_STATES, HOLD_NO_PLACE
from workflow.step import Step


def quota(step: Step, *, as_main: bool = False) -> list[RuleFailure]:
    """A unit may not hold more live main nominations than its places."""
    n = step.nomination
    if n.rank != "main" and not as_main:  # as_main: may this alternate step up?
        return []
    places = unit_places(step, n.unit_id, n.category)
    limit, category = places.limit, places.category
    if limit is None:
        return [RuleFailure("quota", msg("rule.quota.no_places", unit=n.unit.name))]
    query = select(func.count(Nomination.id)).where(
        Nomination.campaign_id == n.campaign_id,
        Nomination.unit_id == n.unit_id,
        Nomination.rank == "main",
        Nomination.id != n.id,
        Nomination.status.not_in(HOLD_NO_PLACE),
    )
    if category is not None:
        query = query.where(Nomination.category == category)
    elif places.own_categories:  # nominees with places of their own do not use the general ones
        query = query.where(Nomination.category.not_in(places.own_categories))
    used = step.uow.session.scalar(query) or 0
    if used >= limit:
        figures = {"unit": n.unit.name, "places": limit, "used": used}
        if category is None:
            return [RuleFailure("quota", msg("rule.quota.full", **figures))]
        scope = Label("vocab.category", category)
        return [RuleFailure("quota", msg("rule.quota.full_category", category=scope, **figures))]
    return []


def unit_rules(step: Step) -> list[RuleFailure]:
    """The definition's rules on a unit's whole submission (officials, heads' alternates)."""
    n, rules = step.nomination, step.definition.submission.unit_rules
    if n.rank != "main":
        return []
    failures = []
    if rules.official_allowance is not None:
        places = step.uow.session.scalar(
            select(func.sum(QuotaAllocation.places)).where(
                QuotaAllocation.campaign_id == n.campaign_id, QuotaAllocation.unit_id == n.unit_id
            )
        )
        held = sum(
            1
            for other in _live_mains(step)
            if other.get("official_level") in rules.official_allowance.official_levels
        )
        failures.append(
            check_official_allowance(
                rules.official_allowance, step.facts, n.unit.name, places or 0, held
            )
        )
    if rules.enterprise_head_alternate is not None:
        alternates = step.uow.session.scalars(
            select(Nomination.category).where(
                Nomination.campaign_id == n.campaign_id,
                Nomination.unit_id == n.unit_id,
                Nomination.rank == "alternate",
                Nomination.status.not_in(CLOSED_STATES),
            )
        ).all()
        failures.append(
            check_head_alternate(
                rules.enterprise_head_alternate, step.facts, n.unit.name, alternates
            )
        )
    return [f for f in failures if f is not None]


def _live_mains(step: Step) -> list[dict[str, object]]:
    """The facts of the unit's other main nominations that hold a place."""
    n = step.nomination
    return list(
        step.uow.session.scalars(
            select(Nomination.facts).where(
                Nomination.campaign_id == n.campaign_id,
                Nomination.unit_id == n.unit_id,
                Nomination.rank == "main",
                Nomination.id != n.id,
                Nomination.status.not_in(HOLD_NO_PLACE),
            )
        )
    )


@dataclass(frozen=True)
class Places:
    """The places that bind one nomination of a unit."""

    limit: int | None  # None: the unit holds no places that fit
    category: str | None  # the category whose own places bind, or None for the general places
    own_categories: frozenset[str]  # the unit's categories that have places of their own


def unit_places(step: Step, unit_id: int, category: str) -> Places:
    """The places that bind a nomination: its category's allocation if any, else the general."""
    query = select(QuotaAllocation).where(
        QuotaAllocation.campaign_id == step.nomination.campaign_id,
        QuotaAllocation.unit_id == unit_id,
    )
    if step.uow.dialect == "postgresql":
        # Serialise a unit's submissions: without it two racing for the last place both count
        # the other as a draft and both pass (SQLite serialises already, by BEGIN IMMEDIATE).
        query = query.with_for_update(of=QuotaAllocation)
    rows = step.uow.session.scalars(query).unique().all()
    own_categories = frozenset(r.category for r in rows if r.category is not None)
    if category in own_categories:
        limit = sum(r.places for r in rows if r.category == category)
        return Places(limit, category, own_categories)
    general = [r.places for r in rows if r.category is None]
    return Places(sum(general) if general else None, None, own_categories)
