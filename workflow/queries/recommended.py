"""The recommended nominees (推荐对象) of a campaign or of one unit, as the 汇总表 lists them.

Recommended means handed in and still in the running, or awarded: not a draft, not ended.
Rows go through the one visibility rule (`workflow.access.nomination_filter`, recused
nominations left out), so a clerk gets its own unit's nominees only; the exact birth date
is shown only to whom the masking policy shows personal data (others get the year).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, select
from sqlalchemy.orm import defer, lazyload

from models import Campaign, Nomination, RecommendingUnit
from models.uow import UnitOfWork
from workflow.access import nomination_filter, not_recused_filter
from workflow.access.masking import sees_personal_data
from workflow.actors import Actor
from workflow.states import HOLD_NO_PLACE


@dataclass(frozen=True)
class Recommended:
    """One line of the 汇总表, with the personal fields already as this viewer may read them."""

    id: int
    unit_code: str
    unit_name: str
    name: str
    gender: str
    ethnicity: str
    birth_month: date | None  # the first of the birth month; None when masked
    birth_year: int
    employer: str
    category: str
    rank: str  # main or alternate
    alternate_order: int | None
    honour: str
    status: str


# A row needs its unit and facts; not the campaign and definition (large, one per campaign).
_LOADING = (
    lazyload(Nomination.campaign),
    lazyload(Nomination.definition),
    defer(Nomination.summary),
    defer(Nomination.deeds),
)


def recommended(
    uow: UnitOfWork, actor: Actor, campaign: Campaign, unit_code: str | None = None
) -> list[Recommended]:
    """The campaign's recommended nominees the actor may see (of one unit when named): main
    nominees first, then alternates in their order, each by unit."""
    main_first = case((Nomination.rank == "main", 0), else_=1)
    query = (
        select(Nomination)
        .join(RecommendingUnit, Nomination.unit_id == RecommendingUnit.id)
        .options(*_LOADING)
        .where(Nomination.campaign_id == campaign.id, Nomination.status.not_in(HOLD_NO_PLACE))
        .where(nomination_filter(uow, actor), not_recused_filter(actor))
        .order_by(main_first, RecommendingUnit.id, Nomination.alternate_order, Nomination.id)
    )
    if unit_code is not None:
        query = query.where(RecommendingUnit.code == unit_code)
    # Streamed in batches: a row is kept as its small line, not as a loaded nomination.
    batches = uow.session.scalars(query.execution_options(yield_per=1000))
    return [_row(actor, n) for n in batches]


def _row(actor: Actor, n: Nomination) -> Recommended:
    full = sees_personal_data(actor, n)
    born = n.birth_date
    return Recommended(
        n.id, n.unit.code, n.unit.name, n.name, n.gender, str(n.facts.get("ethnicity") or ""),
        date(born.year, born.month, 1) if full else None, born.year, n.employer, n.category,
        n.rank, n.alternate_order, n.honour, n.status,
    )  # fmt: skip
