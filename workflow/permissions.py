"""Who may fire which trigger: default deny, the definition names the actors of each stage."""

from __future__ import annotations

from models import Nomination
from workflow.actors import Actor
from workflow.errors import PermissionDenied, Recused
from workflow.machine import TransitionSpec
from workflow.step import Step

UNIT_TRIGGERS = frozenset({"submit", "withdraw", "resubmit"})
REVIEWER_ROLES = frozenset({"team_reviewer", "department_reviewer", "committee_secretary"})


def authorise(step: Step, spec: TransitionSpec) -> None:
    """Default deny: only the actors the definition names may fire a stage's triggers."""
    actor, n, d = step.actor, step.nomination, step.definition
    if actor.is_privileged:
        return
    if spec.system_only:
        raise PermissionDenied(f"'{spec.trigger}' is fired by the engine, not by a person")
    if spec.trigger in UNIT_TRIGGERS:
        if actor.role == "unit_clerk" and actor.unit_code == n.unit.code:
            return
        raise PermissionDenied(f"only a clerk of {n.unit.name} may {spec.trigger} this nomination")
    if spec.trigger == "revoke":
        raise PermissionDenied("only an administrator may revoke an honour")
    check_recusal(actor, n)
    stage = d.stages[0] if spec.trigger == "begin_review" else d.stage_of_state(spec.source)
    if stage is not None and any(
        a.role == actor.role and a.department in (None, actor.department) for a in stage.actors
    ):
        return
    raise PermissionDenied(f"{actor.label} may not '{spec.trigger}' in state '{spec.source}'")


def check_recusal(actor: Actor, nomination: Nomination) -> None:
    """A reviewer from the nominee's own unit must stand aside."""
    unit = nomination.unit
    if actor.role in REVIEWER_ROLES and actor.unit_code and actor.unit_code == unit.code:
        raise Recused(
            f"{actor.name} is recused: they belong to {unit.name}, the nominee's own unit"
        )
