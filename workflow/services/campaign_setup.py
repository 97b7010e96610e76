"""What setting up a campaign checks: a new campaign's values, the definition version it pins,
the unit names already taken, and the figures a phase move is checked against."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from config.catalogue import msg
from config.dates import local_day
from models import Campaign, DefinitionVersion, Nomination, QuotaAllocation, RecommendingUnit
from models.uow import UnitOfWork
from workflow.errors import InvalidInput
from workflow.lifecycles.phase_checks import PhaseFacts
from workflow.messages import beijing
from workflow.quota_table import CODE, EMAIL
from workflow.services import decision_outcomes
from workflow.states import HOLD_NO_PLACE

TITLE_MAX = 200


def check_new_campaign(
    code: str,
    title: str,
    reference_date: date,
    submission_deadline: datetime | None,
    admin_email: str,
    now: datetime,
) -> None:
    """Refuse a value a new campaign cannot have, naming its field."""
    if not CODE.fullmatch(code):
        raise InvalidInput("code", msg("campaign_setup.bad_code", value=code))
    if not title.strip() or len(title) > TITLE_MAX:
        raise InvalidInput("title", msg("campaign_setup.bad_title", limit=TITLE_MAX))
    if not EMAIL.fullmatch(admin_email) or len(admin_email) > TITLE_MAX:
        raise InvalidInput("admin_email", msg("quota.bad_email", value=admin_email))
    if submission_deadline is None:
        return
    if submission_deadline <= now:
        passed = msg("campaign_setup.deadline_past", deadline=beijing(submission_deadline))
        raise InvalidInput("submission_deadline", passed)
    if local_day(submission_deadline) < reference_date:
        early = msg(
            "campaign_setup.deadline_before_reference",
            deadline=beijing(submission_deadline),
            reference=reference_date,
        )
        raise InvalidInput("submission_deadline", early)


def pinned_version(uow: UnitOfWork, name: str, version: int | None) -> DefinitionVersion:
    """The stored definition version a new campaign pins: the named one, else the newest."""
    query = select(DefinitionVersion).where(DefinitionVersion.name == name)
    if version is not None:
        query = query.where(DefinitionVersion.version == version)
    row = uow.session.scalars(query.order_by(DefinitionVersion.version.desc()).limit(1)).first()
    if row is not None:
        return row
    if version is None:
        raise InvalidInput("definition", msg("error.definition_not_loaded", name=name))
    missing = msg("error.definition_version_missing", name=name, version=version)
    raise InvalidInput("definition_version", missing)


def unit_code_named(uow: UnitOfWork, name: str) -> str | None:
    """The code of the stored unit with this name, if there is one."""
    return uow.session.scalar(select(RecommendingUnit.code).where(RecommendingUnit.name == name))


def phase_facts(uow: UnitOfWork, campaign: Campaign) -> PhaseFacts:
    """The figures a phase move of this campaign is checked against."""
    places = uow.session.scalar(
        select(func.coalesce(func.sum(QuotaAllocation.places), 0)).where(
            QuotaAllocation.campaign_id == campaign.id
        )
    )
    submitted = uow.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.campaign_id == campaign.id,
            Nomination.rank == "main",
            Nomination.status.not_in(HOLD_NO_PLACE),
        )
    )
    to_apply = decision_outcomes.pending(uow, campaign.id)
    return PhaseFacts(int(places or 0), int(submitted or 0), to_apply)
