"""The campaign's funnel by stage: how many nominations reached each step of the road.

`reports.funnel` counts where nominations are now; a funnel needs how many ever got to a
step, which the audit knows (a move into a state is an event with both states). Draft
counts every nomination created.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select

from models import AuditEvent, Campaign, Nomination
from models.uow import UnitOfWork
from workflow.access.gates import require_reports
from workflow.actors import Actor
from workflow.machine import AWARDED, DRAFT, SUBMITTED
from workflow.services import reports
from workflow.services.definitions import definition_of


@dataclass(frozen=True)
class FunnelStep:
    """One step of the road: nominations that ever entered it, and those in it now."""

    state: str
    entered: int
    now: int


def stage_funnel(uow: UnitOfWork, actor: Actor, campaign: Campaign) -> list[FunnelStep]:
    """Draft, submitted, every stage and awarded, with how many reached each (report readers)."""
    require_reports(actor)
    moved = (
        select(AuditEvent.to_state, func.count(distinct(AuditEvent.nomination_id)))
        .where(AuditEvent.campaign_id == campaign.id, AuditEvent.from_state.is_not(None))
        .where(AuditEvent.to_state.is_not(None), AuditEvent.from_state != AuditEvent.to_state)
        .group_by(AuditEvent.to_state)
    )
    entered: dict[str, int] = {state: n for state, n in uow.session.execute(moved).all() if state}
    created = select(func.count(Nomination.id)).where(Nomination.campaign_id == campaign.id)
    entered[DRAFT] = uow.session.scalar(created) or 0
    now = {row.state: row.count for row in reports.funnel(uow, campaign)}
    road = [DRAFT, SUBMITTED, *(s.id for s in definition_of(campaign.definition).stages), AWARDED]
    return [FunnelStep(state, entered.get(state, 0), now.get(state, 0)) for state in road]
