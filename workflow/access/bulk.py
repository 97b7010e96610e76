"""Who may act on many nominations at once, with which triggers, and who may use the office list.

A bulk action is the same trigger fired on each nomination through the one path
(`workflow.services.transitions.fire`, which asks `authorise` per item); this gate only says
which triggers may be sent in bulk and which roles may send them: the working team's review
triggers for the working team, `submit` for units, and an administrator both.
"""

from __future__ import annotations

from collections.abc import Mapping

from config.catalogue import Label, Listing
from workflow.access.gates import require_role
from workflow.actors import Actor

# Trigger -> the role that may send it in bulk (an administrator may send every one).
BULK_TRIGGERS: Mapping[str, str] = {
    "begin_review": "team_reviewer",
    "pass": "team_reviewer",
    "return_material": "team_reviewer",
    "submit": "unit_clerk",
}
# A return tells the unit what to add: it needs a reason.
REASON_REQUIRED = frozenset({"return_material"})
# The working team's list of nominations across units.
OFFICE_ROLES = ("team_reviewer",)


def bulk_trigger_problem(trigger: str) -> Listing | None:
    """None when the trigger may be sent in bulk; else the triggers that may (for the refusal)."""
    if trigger in BULK_TRIGGERS:
        return None
    return Listing(tuple(Label("trigger", t) for t in BULK_TRIGGERS), "or")


def require_bulk(actor: Actor, trigger: str) -> None:
    """Refuse (PermissionDenied) a role that may not send this trigger in bulk."""
    require_role(actor, BULK_TRIGGERS[trigger])


def require_office(actor: Actor) -> None:
    """The office list across units: the working team and administrators."""
    require_role(actor, *OFFICE_ROLES)


def bulk_triggers_for(actor: Actor) -> list[str]:
    """The bulk triggers this actor may send (for the bulk action bar)."""
    return [t for t, role in BULK_TRIGGERS.items() if actor.is_privileged or actor.role == role]


__all__ = [
    "BULK_TRIGGERS",
    "REASON_REQUIRED",
    "bulk_trigger_problem",
    "bulk_triggers_for",
    "require_bulk",
    "require_office",
]
