"""Acting on a nomination from an entry point: the access policy first, then the one path.

`transitions.fire` is the one path for every state change; this is what a person's request
calls, so that a nomination the person may not see is NotFound (never "forbidden", which
would confirm it exists) on the API, the pages and the CLI alike.
"""

from __future__ import annotations

from datetime import datetime

from models.uow import UnitOfWork
from workflow.access import ensure_visible
from workflow.actors import Actor
from workflow.services.transitions import TransitionResult, fire


def act(
    uow: UnitOfWork,
    actor: Actor,
    nomination_id: int,
    trigger: str,
    now: datetime,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> TransitionResult:
    """Fire a trigger for a person: NotFound unless they may see the nomination."""
    ensure_visible(uow, actor, nomination_id)
    return fire(
        uow,
        nomination_id,
        trigger,
        actor,
        now,
        reason=reason,
        expected_version=expected_version,
    )
