"""Setting a campaign's office and the notice's wording: administrators only, checked,
audited. The CLI, the API and the admin campaign page all come here."""

from __future__ import annotations

from datetime import datetime

from models.uow import UnitOfWork
from workflow import audit
from workflow.access.gates import require_admin
from workflow.actors import Actor
from workflow.campaign_office import CampaignOffice, OfficeInput, apply_office, office_of
from workflow.repository import commit
from workflow.services.campaigns import get_campaign


def set_office(
    uow: UnitOfWork, campaign_id: int, data: OfficeInput, actor: Actor, now: datetime
) -> CampaignOffice:
    """Change the campaign office's values given (the rest stay); a bad one names its field."""
    require_admin(actor)
    cleaned = data.cleaned()
    cleaned.check()
    campaign = get_campaign(uow, campaign_id)
    changed = apply_office(campaign, cleaned)
    if changed:
        entry = audit.AuditEntry.by(
            actor, trigger="set_office", campaign_id=campaign.id, reason=", ".join(changed)
        )
        audit.append(uow, now, entry)
    commit(uow)
    return office_of(campaign)


def campaign_office(uow: UnitOfWork, campaign_id: int, actor: Actor) -> CampaignOffice:
    """The campaign office as an administrator edits it."""
    require_admin(actor)
    return office_of(get_campaign(uow, campaign_id))
