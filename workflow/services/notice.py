"""The public notice (公示): what the public may read about nominees under notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from config.catalogue import msg
from models import Campaign, Deadline, Nomination
from models.uow import UnitOfWork
from workflow.definition import StageKind
from workflow.errors import NotFound
from workflow.services.definitions import definition_of
from workflow.vocabulary import CATEGORIES, EMPLOYER_TYPES, GENDERS


@dataclass(frozen=True)
class PublicEntry:
    """A nominee as the notice shows them: public fields only, never contacts or votes."""

    nomination_id: int
    name: str
    gender: str
    ethnicity: str
    birth_year: int
    employer: str
    employer_type: str
    category: str
    recommending_unit: str
    rank: str
    summary: str
    notice_ends_at: datetime | None


def notice_campaign(uow: UnitOfWork, code: str) -> Campaign:
    """The campaign a public notice address names; an unknown code is a plain NotFound that
    does not repeat what was typed (the notice pages are public)."""
    campaign = uow.session.scalars(select(Campaign).where(Campaign.code == code)).first()
    if campaign is None:
        raise NotFound(msg("error.no_such_notice"))
    return campaign


def public_notice(uow: UnitOfWork, campaign: Campaign) -> list[PublicEntry]:
    """Everyone under the campaign's public notice, main nominees first, then alternates."""
    stages = [
        s.id for s in definition_of(campaign.definition).stages if s.kind is StageKind.PUBLIC_NOTICE
    ]
    rows = uow.session.scalars(
        select(Nomination)
        .where(Nomination.campaign_id == campaign.id, Nomination.status.in_(stages))
        .order_by(
            Nomination.rank.desc(), Nomination.unit_id, Nomination.alternate_order, Nomination.id
        )
    ).unique()
    return [_entry(uow, n) for n in rows]


def _entry(uow: UnitOfWork, n: Nomination) -> PublicEntry:
    ends = uow.session.scalar(
        select(Deadline.due_at).where(
            Deadline.nomination_id == n.id,
            Deadline.kind == "notice_end",
            Deadline.stage == n.status,
        )
    )
    facts = n.facts
    return PublicEntry(
        nomination_id=n.id,
        name=n.name,
        gender=GENDERS.get(n.gender, n.gender),
        ethnicity=str(facts.get("ethnicity", "")),
        birth_year=n.birth_date.year,
        employer=n.employer,
        employer_type=EMPLOYER_TYPES.get(n.employer_type, n.employer_type),
        category=CATEGORIES.get(n.category, n.category),
        recommending_unit=n.unit.name,
        rank="正式人选" if n.rank == "main" else f"后备人选{n.alternate_order}",
        summary=n.summary,
        notice_ends_at=ends,
    )
