"""The objection's lifecycle, and the only writer of `Objection.status`.

open -> answered (the recommending unit's findings) | lapsed (no answer in time);
answered -> upheld | dismissed (the working team's decision, with its reason).
Rows decided before the team decided (open -> upheld | dismissed) keep their status.
"""

from __future__ import annotations

from datetime import datetime

from config.catalogue import DEFAULT, Message, render
from config.message_json import reason_fields
from models import Objection
from models.reviews import (
    OBJECTION_ANSWERED,
    OBJECTION_DISMISSED,
    OBJECTION_LAPSED,
    OBJECTION_OPEN,
    OBJECTION_UPHELD,
)
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor
from workflow.lifecycles.table import Lifecycle

LIFECYCLE = Lifecycle(
    "objection",
    {
        OBJECTION_OPEN: frozenset({OBJECTION_ANSWERED, OBJECTION_LAPSED}),
        OBJECTION_ANSWERED: frozenset({OBJECTION_UPHELD, OBJECTION_DISMISSED}),
        OBJECTION_UPHELD: frozenset(),
        OBJECTION_DISMISSED: frozenset(),
        OBJECTION_LAPSED: frozenset(),
    },
)
# Under investigation: the notice may not end while one of these is left.
UNDECIDED = (OBJECTION_OPEN, OBJECTION_ANSWERED)


def answer(
    uow: UnitOfWork,
    objection: Objection,
    findings: str,
    *,
    campaign_id: int,
    actor: Actor,
    now: datetime,
) -> None:
    """The unit's findings: open -> answered; appends `objection_answered` to the audit."""
    LIFECYCLE.check(objection.id, objection.status, OBJECTION_ANSWERED)
    objection.status, objection.answer, objection.answered_at = OBJECTION_ANSWERED, findings, now
    objection.answered_by_user_id, objection.answered_by = actor.user_id, actor.name
    _audit(uow, objection, OBJECTION_ANSWERED, findings, campaign_id, actor, now)


def decide(
    uow: UnitOfWork,
    objection: Objection,
    target: str,
    *,
    reason: str,
    campaign_id: int,
    actor: Actor,
    now: datetime,
) -> None:
    """The working team's decision: answered -> upheld | dismissed, with its reason."""
    LIFECYCLE.check(objection.id, objection.status, target)
    objection.status, objection.decision_reason, objection.resolved_at = target, reason, now
    objection.decided_by_user_id, objection.decided_by = actor.user_id, actor.name
    _audit(uow, objection, target, reason, campaign_id, actor, now)


def lapse(
    uow: UnitOfWork,
    objection: Objection,
    *,
    finding: Message,
    campaign_id: int,
    actor: Actor,
    now: datetime,
) -> None:
    """No answer in time: open -> lapsed; the row keeps the engine's finding in Chinese."""
    LIFECYCLE.check(objection.id, objection.status, OBJECTION_LAPSED)
    objection.status, objection.finding = OBJECTION_LAPSED, render(finding, DEFAULT)
    objection.resolved_at = now
    _audit(uow, objection, OBJECTION_LAPSED, finding, campaign_id, actor, now)


def _audit(
    uow: UnitOfWork,
    objection: Objection,
    target: str,
    why: str | Message,
    campaign_id: int,
    actor: Actor,
    now: datetime,
) -> None:
    reason, payload = reason_fields(why, {"objection_id": objection.id})
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor,
            trigger=f"objection_{target}",
            campaign_id=campaign_id,
            nomination_id=objection.nomination_id,
            reason=reason,
            payload=payload,
        ),
    )
