"""Campaigns: creation, recommending units, the quota table, phases."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from config.catalogue import Label, Listing, msg
from config.settings import get_settings
from models import Campaign, QuotaAllocation, RecommendingUnit
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.gates import require_admin
from workflow.actors import Actor
from workflow.campaign_office import OfficeInput, apply_office
from workflow.errors import ImportFailed, InvalidState, NotFound, PhaseMoveRefused
from workflow.lifecycles import campaign_phase, phase_checks
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles.deadline import NewDeadline
from workflow.quota_table import UnitQuota, check_rows, read_quota_file
from workflow.repository import commit, not_found
from workflow.services import campaign_setup as setup
from workflow.services.definitions import definition_of

__all__ = [
    "UnitQuota",  # re-exported: callers build quota rows from here
    "advance_phase",
    "create_campaign",
    "ensure_unit",
    "find_campaign",
    "get_campaign",
    "import_quota_file",
    "open_campaign",
    "set_quota_table",
]


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
    admin_email: str | None = None,
    daily_digest: bool = False,
    definition_version: int | None = None,
    office: OfficeInput | None = None,
) -> Campaign:
    """A campaign pinned to a definition version (the newest unless one is named), at launch,
    with its office (`workflow.campaign_office`) when given."""
    require_admin(actor)
    # The office's mailbox: as given, else the installation's (HONORFLOW_ADMIN_EMAIL).
    admin_email = admin_email.strip() if admin_email and admin_email.strip() else None
    admin_email = admin_email or get_settings().admin_email
    setup.check_new_campaign(code, title, reference_date, submission_deadline, admin_email, now)
    office = office.cleaned() if office else None
    if office is not None:
        office.check()
    if submission_deadline is not None:
        submission_deadline = submission_deadline.astimezone(UTC)  # stored, and shown, as UTC
    if uow.session.scalars(select(Campaign).where(Campaign.code == code)).first():
        raise InvalidState(msg("error.campaign_exists", campaign=code))
    version = setup.pinned_version(uow, definition_name, definition_version)
    definition = definition_of(version)
    campaign = Campaign(
        code=code,
        title=title.strip(),
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
    if office is not None:
        apply_office(campaign, office)
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
    uow: UnitOfWork,
    campaign_id: int,
    rows: list[UnitQuota],
    actor: Actor,
    now: datetime,
    source: str = "",
) -> int:
    """Replace a campaign's quota table, all rows or none; units are created as needed.

    Every surface (API, page form, file, CLI) comes here, so each refuses alike: a bad cell,
    a row given twice, a unit name that belongs to another code (ImportFailed, every row).
    Returns the total places.
    """
    require_admin(actor)
    campaign = get_campaign(uow, campaign_id)
    campaign_phase.require(campaign, "set_quota")
    errors = check_rows(source, rows, lambda name: setup.unit_code_named(uow, name))
    if errors:
        raise ImportFailed(errors)
    session = uow.session
    for allocation in session.scalars(
        select(QuotaAllocation).where(QuotaAllocation.campaign_id == campaign.id)
    ):
        session.delete(allocation)
    session.flush()
    for row in rows:
        unit = ensure_unit(uow, row.unit_code, row.unit_name, row.kind, row.email)
        if row.email and unit.email != row.email:  # the table is where an office corrects it
            unit.email = row.email
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


def advance_phase(
    uow: UnitOfWork, campaign_id: int, actor: Actor, now: datetime, to: str | None = None
) -> str:
    """Move the campaign to its next phase (or `to`), refusing unless every check passes.

    `decided` is reached only by the committee's decision; the checks are
    `workflow.lifecycles.phase_checks.move_checks`, the ones the campaign page shows.
    """
    require_admin(actor)
    campaign = get_campaign(uow, campaign_id)
    target = to or campaign_phase.next_phase(campaign)
    checks = phase_checks.move_checks(campaign, target, setup.phase_facts(uow, campaign), now)
    failed = [c.message for c in checks if not c.ok]
    if failed:
        allowed = campaign_phase.LIFECYCLE.allowed(campaign.phase)
        refused = msg(
            "phase_check.refused",
            campaign=campaign.title,
            current=campaign_phase.LIFECYCLE.label(campaign.phase),
            target=campaign_phase.LIFECYCLE.label(target),
            reasons=Listing(tuple(failed), "semicolon"),
        )
        raise PhaseMoveRefused(refused, allowed)
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


def import_quota_file(
    uow: UnitOfWork, campaign_id: int, name: str, data: bytes, actor: Actor, now: datetime
) -> int:
    """Replace the quota table from a .csv or .xlsx file's bytes (bounded), all rows or none."""
    require_admin(actor)
    rows = read_quota_file(name, data)
    return set_quota_table(uow, campaign_id, rows, actor, now, source=name)
