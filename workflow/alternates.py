"""Alternates (后备): the unit's first live alternate steps up when a main nominee leaves."""

from __future__ import annotations

from sqlalchemy import select

from config.catalogue import Label, msg
from config.message_json import reason_fields
from models import Nomination
from workflow import audit
from workflow.actors import SYSTEM
from workflow.machine import CLOSED_STATES, DRAFT
from workflow.rules.quota import quota
from workflow.step import Step


def step_up_alternate(step: Step) -> audit.Appended | None:
    """The unit's first live alternate takes the place of a main nominee who left."""
    n = step.nomination
    alternate = step.uow.session.scalars(
        select(Nomination)
        .where(
            Nomination.campaign_id == n.campaign_id,
            Nomination.unit_id == n.unit_id,
            Nomination.rank == "alternate",
            Nomination.status.not_in(CLOSED_STATES),
        )
        .order_by(Nomination.alternate_order, Nomination.id)
        .limit(1)
    ).first()
    if alternate is None or not _place_free(step, alternate):
        return None
    order = alternate.alternate_order
    alternate.rank, alternate.alternate_order, alternate.updated_at = "main", None, step.now
    stepped = msg("audit.step_up", order=order, name=n.name, state=Label("state", n.status))
    reason, payload = reason_fields(stepped, {"replaces": n.id, "alternate_order": order})
    return audit.append(
        step.uow,
        step.now,
        audit.AuditEntry.by(
            SYSTEM,
            trigger="step_up",
            campaign_id=n.campaign_id,
            nomination_id=alternate.id,
            from_state=alternate.status,
            to_state=alternate.status,
            reason=reason,
            payload=payload,
        ),
    )


def _place_free(step: Step, alternate: Nomination) -> bool:
    """A submitted alternate steps up only if a place is free for it (its category's, if split)."""
    if alternate.status == DRAFT:
        return True  # its own submission will be held to the quota
    probe = Step(step.uow, step.now, step.actor, alternate, step.definition, "step_up")
    return not quota(probe, as_main=True)
