"""The objection's lifecycle, and the only writer of `Objection.status`.

open -> upheld | dismissed (the unit's finding) | lapsed (no finding in time).
"""

from __future__ import annotations

from datetime import datetime

from config.catalogue import DEFAULT, Message, render
from config.message_json import reason_fields
from models import Objection
from models.reviews import OBJECTION_DISMISSED, OBJECTION_LAPSED, OBJECTION_OPEN, OBJECTION_UPHELD
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor
from workflow.lifecycles.table import Lifecycle

LIFECYCLE = Lifecycle(
    "objection",
    {
        OBJECTION_OPEN: frozenset({OBJECTION_UPHELD, OBJECTION_DISMISSED, OBJECTION_LAPSED}),
        OBJECTION_UPHELD: frozenset(),
        OBJECTION_DISMISSED: frozenset(),
        OBJECTION_LAPSED: frozenset(),
    },
)


def resolve(
    uow: UnitOfWork,
    objection: Objection,
    target: str,
    *,
    finding: str | Message,
    campaign_id: int,
    actor: Actor,
    now: datetime,
) -> None:
    """Close an objection with its finding; appends `objection_<status>` to the audit.

    A finding the engine writes (a lapse) is a Message: the row keeps its Chinese text.
    """
    LIFECYCLE.check(objection.id, objection.status, target)
    words = render(finding, DEFAULT)
    objection.status, objection.finding, objection.resolved_at = target, words, now
    reason, payload = reason_fields(finding, {"objection_id": objection.id})
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
