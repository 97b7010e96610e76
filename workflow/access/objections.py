"""Who works an objection: the working team records and decides it, the unit answers it.

The recommending unit investigates its own nominee and answers with its findings; it never
decides. The working team (the actors the definition names for the public-notice stage)
records objections received by phone, letter or visit and decides each answered one; it
never answers for the unit. Administrators may do both.
"""

from __future__ import annotations

from config.catalogue import msg
from models import Nomination
from workflow.access.recusal import check_recusal
from workflow.actors import Actor
from workflow.definition import StageKind
from workflow.errors import PermissionDenied
from workflow.services.definitions import definition_of


def is_objection_team(actor: Actor, nomination: Nomination) -> bool:
    """Whether the actor works the public notice of the nomination's definition (or is admin)."""
    if actor.is_privileged:
        return True
    definition = definition_of(nomination.definition)
    return any(
        a.role == actor.role and a.department in (None, actor.department)
        for stage in definition.stages
        if stage.kind is StageKind.PUBLIC_NOTICE
        for a in stage.actors
    )


def require_objection_team(actor: Actor, nomination: Nomination) -> None:
    """Recording and deciding objections: the working team (not recused) and admins."""
    if not is_objection_team(actor, nomination):
        raise PermissionDenied(msg("error.objection_team_only"))
    check_recusal(actor, nomination)


def require_answering_unit(actor: Actor, nomination: Nomination) -> None:
    """Answering an objection: the clerk of the nominee's own unit (and admins)."""
    if actor.is_privileged:
        return
    if actor.role == "unit_clerk" and actor.unit_code == nomination.unit.code:
        return
    raise PermissionDenied(msg("error.objection_unit_only", unit=nomination.unit.name))
