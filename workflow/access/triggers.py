"""Who may fire which trigger: default deny, the definition names the actors of each stage.

`authorise` is what `workflow.services.transitions.fire` asks before every trigger;
`permitted_triggers` is the same answer for a screen: the triggers the machine allows in the
nomination's state that this actor is authorised to fire (guards aside). The API, the pages
and the CLI all show that list.
"""

from __future__ import annotations

from datetime import datetime

from config.catalogue import Label, msg
from models import Nomination
from models.uow import UnitOfWork
from workflow.access.recusal import check_recusal
from workflow.actors import Actor
from workflow.errors import PermissionDenied
from workflow.machine import TransitionSpec
from workflow.services.definitions import machine_of
from workflow.step import Step

UNIT_TRIGGERS = frozenset({"submit", "withdraw", "resubmit"})


def authorise(step: Step, spec: TransitionSpec) -> None:
    """Default deny: only the actors the definition names may fire a stage's triggers."""
    actor, n, d = step.actor, step.nomination, step.definition
    if actor.is_privileged:
        return
    if spec.system_only:
        raise PermissionDenied(msg("error.engine_trigger", trigger=Label("trigger", spec.trigger)))
    if spec.trigger in UNIT_TRIGGERS:
        if actor.role == "unit_clerk" and actor.unit_code == n.unit.code:
            return
        trigger = Label("trigger", spec.trigger)
        raise PermissionDenied(msg("error.unit_trigger", unit=n.unit.name, trigger=trigger))
    if spec.trigger == "revoke":
        raise PermissionDenied(msg("error.revoke_admin_only"))
    check_recusal(actor, n)
    stage = d.stages[0] if spec.trigger == "begin_review" else d.stage_of_state(spec.source)
    if stage is not None and any(
        a.role == actor.role and a.department in (None, actor.department) for a in stage.actors
    ):
        return
    raise PermissionDenied(
        msg(
            "error.trigger_not_yours",
            trigger=Label("trigger", spec.trigger),
            state=Label("state", spec.source),
        )
    )


def permitted_triggers(
    uow: UnitOfWork, actor: Actor, nomination: Nomination, now: datetime
) -> list[str]:
    """Triggers the machine allows now that this actor may fire (guards aside)."""
    machine = machine_of(nomination.definition)
    allowed = []
    for trigger in machine.allowed_triggers(nomination.status):
        spec = machine.spec(nomination.status, trigger)
        step = Step(uow, now, actor, nomination, machine.definition, trigger)
        try:
            authorise(step, spec)
        except PermissionDenied:
            continue
        allowed.append(trigger)
    return allowed
