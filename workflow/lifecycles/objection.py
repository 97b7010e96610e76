"""The objection's lifecycle, and the only writer of `Objection.status`.

open -> upheld | dismissed (the unit's finding) | lapsed (no finding in time).
"""

from __future__ import annotations

from datetime import datetime

from models import Objection
from models.reviews import OBJECTION_DISMISSED, OBJECTION_LAPSED, OBJECTION_OPEN, OBJECTION_UPHELD
from models.uow import UnitOfWork
from workflow import audit
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
    finding: str,
    campaign_id: int,
    actor: str,
    now: datetime,
) -> None:
    """Close an objection with its finding; appends `objection_<status>` to the audit."""
    LIFECYCLE.check(f"objection {objection.id}", objection.status, target)
    objection.status, objection.finding, objection.resolved_at = target, finding, now
    audit.append(
        uow,
        now,
        audit.AuditEntry(
            actor=actor,
            trigger=f"objection_{target}",
            campaign_id=campaign_id,
            nomination_id=objection.nomination_id,
            reason=finding,
            payload={"objection_id": objection.id},
        ),
    )
