"""The working team's nominations list: the filter applied, for the pages, the API and the CLI.

The filter is `NominationFilter` (`workflow.queries.nomination_filter`, re-exported here):
parsed once from a query string, written back to one. `search_nominations` applies it through
the one visibility rule (`workflow.access.nomination_filter`, recused nominations left out):
a unit clerk gets no row of another unit through any filter. The rows are the list view (no
identity number, phone or birth date: those stay with the masked detail,
`workflow.queries.nominations`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import defer, lazyload

from models import Campaign, Nomination, QuotaAllocation, RecommendingUnit
from models.uow import UnitOfWork
from workflow.access import nomination_filter, not_recused_filter
from workflow.actors import Actor
from workflow.queries.nomination_filter import (
    DEFAULT_SIZE,
    FLAG_NAMES,
    MAX_SIZE,
    SORT_COLUMNS,
    BadInput,
    NominationFilter,
)
from workflow.queries.paging import Paged
from workflow.queries.rule_filter import RULE_SCAN_LIMIT, failing_ids
from workflow.vocabulary import CATEGORIES


def _unit_code() -> Any:
    return (
        select(RecommendingUnit.code)
        .where(RecommendingUnit.id == Nomination.unit_id)
        .scalar_subquery()
    )


# How each sort column (`SORT_COLUMNS`) orders the list.
SORTS: Mapping[str, Any] = {
    "id": lambda: Nomination.id,
    "name": lambda: Nomination.name,
    "unit": _unit_code,
    "stage": lambda: Nomination.status,
    "entered": lambda: Nomination.stage_entered_at,
    "updated": lambda: Nomination.updated_at,
}


def _gender_female() -> ColumnElement[bool]:
    return Nomination.gender == "F"


def _minority() -> Any:
    return Nomination.facts["ethnicity"].as_string() != "汉族"


def _fact(name: str) -> Any:
    return lambda: Nomination.facts[name].as_boolean().is_(True)


# The clause of each flag (`FLAG_NAMES`).
FLAGS: Mapping[str, Any] = {
    "gig_worker": _fact("gig_worker"),
    "migrant_worker": _fact("migrant_worker"),
    "disability": _fact("disability"),
    "female": _gender_female,
    "minority": _minority,
}


# A list row needs its unit; the campaign and the definition (a large JSON each) are loaded
# once, on first use, from the identity map, and the facts and texts only if someone reads them.
LIST_LOADING = (
    lazyload(Nomination.campaign),
    lazyload(Nomination.definition),
    defer(Nomination.facts),
    defer(Nomination.summary),
    defer(Nomination.deeds),
)


def filtered(uow: UnitOfWork, actor: Actor, f: NominationFilter) -> Select[Nomination]:
    """The visible nominations matching the filter, in its order (ties by id)."""
    query = (
        select(Nomination)
        .options(*LIST_LOADING)
        .where(nomination_filter(uow, actor), not_recused_filter(actor))
    )
    if f.campaign:
        query = query.where(Nomination.campaign_id == _campaign_id(uow, f.campaign))
    if f.stage:
        query = query.where(Nomination.status == f.stage)
    if f.unit:
        units = select(RecommendingUnit.id).where(RecommendingUnit.code == f.unit)
        query = query.where(Nomination.unit_id.in_(units))
    if f.category:
        query = query.where(Nomination.category == f.category)
    for flag in f.flags:
        query = query.where(FLAGS[flag]())
    if f.q:
        query = query.where(
            or_(
                Nomination.name.icontains(f.q, autoescape=True),
                Nomination.employer.icontains(f.q, autoescape=True),
            )
        )
    column = SORTS[f.sort.lstrip("-")]()
    order = column.desc() if f.sort.startswith("-") else column.asc()
    tie = Nomination.id.desc() if f.sort.startswith("-") else Nomination.id.asc()
    return query.order_by(order, tie)


def _campaign_id(uow: UnitOfWork, ref: str) -> int:
    from workflow.services.campaigns import find_campaign  # NotFound names the code asked for

    return find_campaign(uow, ref).id


def search_nominations(
    uow: UnitOfWork,
    actor: Actor,
    f: NominationFilter,
    *,
    limit: int | None = None,
    offset: int | None = None,
) -> Paged[Nomination]:
    """One page of the visible nominations matching the filter, and how many match in all.

    `limit`/`offset` override the filter's page (the API's older parameters). A failing-rule
    filter runs the rule on every candidate the rest of the filter leaves (bounded by
    `RULE_SCAN_LIMIT`), because rule results are computed, not stored.
    """
    query = filtered(uow, actor, f)
    size = f.size if limit is None else limit
    start = (f.page - 1) * f.size if offset is None else offset
    if f.rule is None:
        total = uow.session.scalar(
            query.with_only_columns(func.count(Nomination.id)).order_by(None)
        )
        found = uow.session.scalars(query.limit(size).offset(start)).unique()
        return Paged(int(total or 0), list(found))
    ids = failing_ids(uow, query, f.rule)
    chosen = ids[start : start + size]
    rows = {
        n.id: n
        for n in uow.session.scalars(
            select(Nomination).options(*LIST_LOADING).where(Nomination.id.in_(chosen))
        ).unique()
    }
    return Paged(len(ids), [rows[i] for i in chosen if i in rows])


def matching_ids(uow: UnitOfWork, actor: Actor, f: NominationFilter, cap: int) -> list[int]:
    """The ids of every visible nomination matching the filter (paging ignored), at most cap+1.

    One more than the cap is returned so that a caller can tell "too many" from "exactly cap".
    """
    query = filtered(uow, actor, f)
    if f.rule is not None:
        return failing_ids(uow, query, f.rule)[: cap + 1]
    only_ids = query.with_only_columns(Nomination.id).limit(cap + 1)
    return [int(i) for i in uow.session.scalars(only_ids)]


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers: campaigns, units, states, categories, flags, rules, sorts."""

    campaigns: list[Campaign]
    units: list[RecommendingUnit]
    states: list[str]
    categories: tuple[str, ...]
    flags: tuple[str, ...]
    rules: list[str]
    sorts: tuple[str, ...]
    scan_limit: int = RULE_SCAN_LIMIT


def filter_choices(uow: UnitOfWork, campaign: Campaign | None) -> FilterChoices:
    """The options of the filter form for a campaign (its units, its definition's states)."""
    from workflow.machine import AWARDED, END_STATES, open_states
    from workflow.services.definitions import definition_of

    campaigns = list(uow.session.scalars(select(Campaign).order_by(Campaign.id.desc())).unique())
    units: list[RecommendingUnit] = []
    states: list[str] = []
    rules: list[str] = []
    if campaign is not None:
        held = select(QuotaAllocation.unit_id).where(QuotaAllocation.campaign_id == campaign.id)
        units = list(
            uow.session.scalars(
                select(RecommendingUnit)
                .where(RecommendingUnit.id.in_(held))
                .order_by(RecommendingUnit.code)
            )
        )
        definition = definition_of(campaign.definition)
        states = [*open_states(definition), AWARDED, *END_STATES]
        rules = list(definition.eligibility)
    return FilterChoices(
        campaigns, units, states, tuple(CATEGORIES), FLAG_NAMES, rules, SORT_COLUMNS
    )


__all__ = [
    "DEFAULT_SIZE",
    "MAX_SIZE",
    "BadInput",
    "FilterChoices",
    "NominationFilter",
    "filter_choices",
    "filtered",
    "matching_ids",
    "search_nominations",
]
