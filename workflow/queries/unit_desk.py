"""A recommending unit's desk: its deadline, its places left, and the form it fills in.

The places are counted by the submit guard's own rule (`workflow.rules.quota.places_left`);
whether the unit may still hand in is the one window check
(`workflow.rules.submission_window`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from config.catalogue import Message
from config.dates import last_day, local_day
from models import Campaign, Nomination, QuotaAllocation, RecommendingUnit
from models.uow import UnitOfWork
from workflow.access.gates import require_role
from workflow.access.masking import sees_personal_data, shown_facts
from workflow.access.reads import readable_nomination
from workflow.actors import Actor
from workflow.errors import RuleFailure
from workflow.form_template import TemplateSpec, write_template
from workflow.importing import columns_for
from workflow.messages import beijing
from workflow.repository import not_found
from workflow.rules.quota import PlacesLeft, places_left
from workflow.rules.submission_window import window_refusal
from workflow.services.nominations import correction_refusal
from workflow.versions import definition_of


@dataclass(frozen=True)
class UnitDesk:
    """What a unit's clerk needs before handing in: the deadline, the places, the window."""

    campaign: Campaign
    unit: RecommendingUnit | None  # None: an administrator looking at no unit in particular
    deadline: datetime | None
    days_left: int | None  # whole days in Beijing until the deadline's last day; <0 past
    closed: RuleFailure | None  # why new nominations and imports are refused now, or None
    places: list[PlacesLeft]

    @property
    def deadline_words(self) -> Message | None:
        """The deadline in Beijing time as offices write it (12月15日17时), or None."""
        return beijing(self.deadline) if self.deadline is not None else None


def unit_desk(
    uow: UnitOfWork, actor: Actor, campaign: Campaign, now: datetime, unit_code: str | None = None
) -> UnitDesk:
    """The desk of the clerk's own unit (an administrator may name a unit, or none)."""
    unit = _unit(uow, actor, unit_code)
    deadline = campaign.submission_deadline
    places = places_left(uow, campaign.id, unit.id) if unit is not None else []
    return UnitDesk(
        campaign=campaign,
        unit=unit,
        deadline=deadline,
        days_left=None if deadline is None else days_until(deadline, now),
        closed=window_refusal(campaign, "nominate", now),
        places=places,
    )


def days_until(deadline: datetime, now: datetime) -> int:
    """Days from today to the deadline's last day, both in Beijing (0: it closes today)."""
    # A deadline at local midnight ends the day before (12月15日24时).
    return (last_day(deadline) - local_day(now)).days


def form_template(uow: UnitOfWork, actor: Actor, campaign: Campaign) -> bytes:
    """The campaign's nomination form as an XLSX template, for a clerk's unit or every unit."""
    own = _unit(uow, actor, None)
    units = [own] if own is not None else campaign_units(uow, campaign.id)
    places = places_left(uow, campaign.id, own.id) if own is not None else []
    spec = TemplateSpec(
        campaign=campaign,
        unit_names=tuple(u.name for u in units),
        places=tuple(places),
        alternates=max(sum(p.places for p in places), 3),
        columns=columns_for(definition_of(campaign.definition).vocabularies),
    )
    return write_template(spec)


def campaign_units(uow: UnitOfWork, campaign_id: int) -> list[RecommendingUnit]:
    """The units holding places in the campaign's quota table, by code."""
    query = (
        select(RecommendingUnit)
        .join(QuotaAllocation, QuotaAllocation.unit_id == RecommendingUnit.id)
        .where(QuotaAllocation.campaign_id == campaign_id)
        .order_by(RecommendingUnit.code)
    )
    return list(uow.session.scalars(query).unique())


def units_for(uow: UnitOfWork, actor: Actor, campaign: Campaign) -> list[RecommendingUnit]:
    """The units the actor may nominate for: a clerk its own, an administrator every one."""
    own = _unit(uow, actor, None)
    return [own] if own is not None else campaign_units(uow, campaign.id)


@dataclass(frozen=True)
class CorrectionView:
    """A nomination opened for correction: its record, its facts, why it may not be changed."""

    nomination: Nomination
    facts: dict[str, Any]  # as the viewer may read them (the unit's clerk: in full)
    refusal: Message | None


def correction_view(
    uow: UnitOfWork, actor: Actor, nomination_id: int, now: datetime
) -> CorrectionView:
    """A nomination for the correction form; NotFound for another unit's (audited)."""
    require_role(actor, "unit_clerk")
    nomination = readable_nomination(uow, actor, nomination_id, "view_correction", now)
    facts = shown_facts(nomination.facts, sees_personal_data(actor, nomination))
    return CorrectionView(nomination, facts, correction_refusal(nomination, now))


def _unit(uow: UnitOfWork, actor: Actor, unit_code: str | None) -> RecommendingUnit | None:
    """The clerk's own unit, or for an administrator the one named (None if none is)."""
    require_role(actor, "unit_clerk")
    code = (actor.unit_code or "") if actor.role == "unit_clerk" else unit_code
    if code is None:
        return None
    unit = uow.session.scalars(
        select(RecommendingUnit).where(RecommendingUnit.code == code)
    ).one_or_none()
    if unit is None:
        raise not_found("unit", code)
    return unit
