"""Acting on a nomination from an entry point: the access policy first, then the one path.

`transitions.fire` is the one path for every state change; this is what a person's request
calls, so that a nomination the person may not see is NotFound (never "forbidden", which
would confirm it exists) on the API, the pages and the CLI alike.
"""

from __future__ import annotations

from datetime import datetime

from models import Objection
from models.uow import UnitOfWork
from workflow.access import ensure_visible, require_role, visible_objection
from workflow.actors import Actor
from workflow.services.objections import resolve_objection
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


def record_finding(
    uow: UnitOfWork,
    actor: Actor,
    objection_id: int,
    upheld: bool,
    finding: str,
    now: datetime,
    *,
    as_role: str,
) -> Objection:
    """A finding on an objection, by the working team (`team_reviewer`) or the nominee's unit
    (`unit_clerk`): NotFound unless the actor may see it, then the role gate."""
    visible_objection(uow, actor, objection_id)
    require_role(actor, as_role)
    return resolve_objection(uow, objection_id, upheld, finding, actor, now)
