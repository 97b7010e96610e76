"""Amending a campaign's composition rules in place: an audited change of that campaign alone,
allowed until submissions close, no new definition version or campaign needed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from config.catalogue import msg
from models import Campaign
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.gates import require_admin
from workflow.actors import Actor
from workflow.errors import InvalidInput, InvalidState
from workflow.lifecycles.phase_checks import composition_refusal
from workflow.repository import commit
from workflow.rules import composition_edit
from workflow.services.campaigns import get_campaign
from workflow.versions import definition_of

REASON_MAX = 2000


def amend_composition(
    uow: UnitOfWork,
    campaign_id: int,
    rules: Any,
    reason: str,
    actor: Actor,
    now: datetime,
) -> list[dict[str, Any]]:
    """Replace the campaign's composition rules, validated as a definition's; audited.

    Refused once submissions have closed (the phase, or the submission deadline passed);
    returns the rules as stored.
    """
    require_admin(actor)
    get_campaign(uow, campaign_id)  # NotFound naming it
    # Two amendments at once: the second waits and reads the first one's rules as "before".
    campaign = uow.session.get_one(
        Campaign, campaign_id, with_for_update={"of": Campaign}, populate_existing=True
    )
    closed = composition_refusal(campaign, now)
    if closed is not None:
        raise InvalidState(closed)
    if not reason.strip() or len(reason) > REASON_MAX:
        raise InvalidInput("reason", msg("composition_edit.reason_needed", limit=REASON_MAX))
    vocabularies = definition_of(campaign.definition).vocabularies
    after = composition_edit.stored(composition_edit.validate(rules, vocabularies))
    before = list(campaign.composition)
    # Compared as stored afresh: the definition's copy may write a group without a list.
    if after == composition_edit.stored(composition_edit.validate(before, vocabularies)):
        raise InvalidState(msg("composition_edit.unchanged"))
    campaign.composition = after
    entry = audit.AuditEntry.by(
        actor,
        trigger="composition_amended",
        campaign_id=campaign.id,
        reason=reason.strip(),
        payload={"before": before, "after": after},
    )
    audit.append(uow, now, entry)
    commit(uow)
    return after
