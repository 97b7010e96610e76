"""Campaigns: creation, recommending units, the quota table, phases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from config.catalogue import Label, msg
from models import Campaign, QuotaAllocation, RecommendingUnit
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor
from workflow.errors import InvalidState, NotFound
from workflow.lifecycles import campaign_phase
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles.deadline import NewDeadline
from workflow.repository import commit, not_found
from workflow.services.definitions import definition_of, latest_version


@dataclass(frozen=True)
class UnitQuota:
    """One row of a quota table as an administrator writes it."""

    unit_code: str
    unit_name: str
    places: int
    category: str | None = None
    reserved: bool = False
    kind: str = "city_union"
    email: str | None = None


def create_campaign(
    uow: UnitOfWork,
    *,
    code: str,
    title: str,
    definition_name: str,
    reference_date: date,
    submission_deadline: datetime | None,
    actor: Actor,
    now: datetime,
    admin_email: str = "office@example.org",
    daily_digest: bool = False,
) -> Campaign:
    """A campaign pinned to the newest version of a definition, in its launch phase."""
    if uow.session.scalars(select(Campaign).where(Campaign.code == code)).first():
        raise InvalidState(msg("error.campaign_exists", campaign=code))
    version = latest_version(uow, definition_name)
    definition = definition_of(version)
    campaign = Campaign(
        code=code,
        title=title,
        honour=definition.honour,
        honour_level=definition.honour_level,
        definition_id=version.id,
        reference_date=reference_date,
        submission_deadline=submission_deadline,
        composition=list(definition.composition),
        created_at=now,
        admin_email=admin_email,
        daily_digest=daily_digest,
    )
    uow.session.add(campaign)
    uow.session.flush()
    if submission_deadline is not None:
        # The sweep closes submission at the deadline and tells the office what came in.
        closing = NewDeadline(campaign.id, "submission_close", submission_deadline)
        deadline_lifecycle.schedule(uow, [closing], now)
    _audit(uow, campaign, actor, now, "create_campaign", f"pinned to {version.key}")
    commit(uow)
    return campaign


def set_quota_table(
    uow: UnitOfWork, campaign_id: int, rows: list[UnitQuota], actor: Actor, now: datetime
) -> int:
    """Replace a campaign's quota table; units are created as needed. Returns total places."""
    campaign = get_campaign(uow, campaign_id)
    campaign_phase.require(campaign, "set_quota")
    session = uow.session
    for allocation in session.scalars(
        select(QuotaAllocation).where(QuotaAllocation.campaign_id == campaign.id)
    ):
        session.delete(allocation)
    session.flush()
    for row in rows:
        unit = ensure_unit(uow, row.unit_code, row.unit_name, row.kind, row.email)
        session.add(
            QuotaAllocation(
                campaign_id=campaign.id,
                unit_id=unit.id,
                category=row.category,
                places=row.places,
                reserved=row.reserved,
            )
        )
    total = sum(r.places for r in rows)
    _audit(uow, campaign, actor, now, "set_quota", f"{len(rows)} rows, {total} places")
    commit(uow)
    return total


def ensure_unit(
    uow: UnitOfWork, code: str, name: str, kind: str = "city_union", email: str | None = None
) -> RecommendingUnit:
    """The unit with this code, created if new."""
    unit = uow.session.scalars(
        select(RecommendingUnit).where(RecommendingUnit.code == code)
    ).one_or_none()
    if unit is None:
        unit = RecommendingUnit(code=code, name=name, kind=kind, email=email)
        uow.session.add(unit)
        uow.session.flush()
    return unit


def advance_phase(uow: UnitOfWork, campaign_id: int, actor: Actor, now: datetime) -> str:
    """Move the campaign to its next phase (`decided` only by the committee's decision)."""
    campaign = get_campaign(uow, campaign_id)
    target = campaign_phase.next_phase(campaign)
    if target == campaign_phase.DECIDED:
        phase = msg(f"page.phase_{campaign.phase}")
        raise InvalidState(msg("error.phase_by_decision", campaign=campaign.code, phase=phase))
    campaign_phase.move(uow, campaign, target, actor=actor, now=now)
    commit(uow)
    return campaign.phase


def get_campaign(uow: UnitOfWork, campaign_id: int) -> Campaign:
    """A campaign by id."""
    campaign = uow.session.get(Campaign, campaign_id)
    if campaign is None:
        raise not_found("campaign", campaign_id)
    return campaign


def find_campaign(uow: UnitOfWork, code_or_id: str) -> Campaign:
    """A campaign by its code or numeric id, as a person types it."""
    query = select(Campaign).where(Campaign.code == code_or_id)
    campaign = uow.session.scalars(query).first()
    if campaign is None and code_or_id.isdigit() and len(code_or_id) < 19:  # 64-bit ids
        campaign = uow.session.get(Campaign, int(code_or_id))
    if campaign is None:
        raise NotFound(msg("error.no_such", what=Label("thing", "campaign"), name=code_or_id))
    return campaign


def open_campaign(uow: UnitOfWork) -> Campaign:
    """The one campaign still taking nominations, for commands that may leave it unnamed."""
    open_ones = list(
        uow.session.scalars(
            select(Campaign)
            .where(Campaign.phase.in_(campaign_phase.GATES["import"]))
            .order_by(Campaign.id)
        ).unique()
    )
    if len(open_ones) != 1:
        codes = [c.code for c in open_ones] or msg("error.nothing_allowed")
        raise InvalidState(msg("error.many_open_campaigns", count=len(open_ones), codes=codes))
    return open_ones[0]


def _audit(
    uow: UnitOfWork, campaign: Campaign, actor: Actor, now: datetime, trigger: str, reason: str
) -> None:
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(actor, trigger=trigger, campaign_id=campaign.id, reason=reason),
    )
