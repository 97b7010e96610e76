"""Team review (e.g. 资格初审): the working team passes, fails or returns for material.

A return gives the unit `return_days` working days (`material_due`); an unanswered return
withdraws the nomination (视为自动放弃).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import ClassVar

from config.catalogue import Label, Message, msg
from models import Deadline
from models.uow import UnitOfWork
from workflow.actors import SYSTEM
from workflow.definition import StageKind, StageSpec
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles.deadline import NewDeadline
from workflow.messages import notify_unit, stored
from workflow.repository import lock_nomination
from workflow.stages.base import Action, Apply, StageBehaviour, eligibility_guards
from workflow.stages.tasks import TASK_ACTIONS, because, create_task
from workflow.states import TransitionSpec
from workflow.step import Step


def lapse_material(uow: UnitOfWork, deadline: Deadline, now: datetime, apply: Apply) -> Message:
    """A return for material left unanswered: the nomination counts as withdrawn."""
    nomination = lock_nomination(uow, deadline.nomination_id or 0)
    if nomination.status != deadline.stage:
        return msg("sweep.skipped_nomination", state=Label("state", nomination.status))
    reason = msg("audit.material_lapsed", deadline=because(deadline))
    apply(uow, nomination, "withdraw", SYSTEM, now, reason=reason)
    return msg("sweep.withdrawn_material")


def enter_task_stage(step: Step, stage: StageSpec) -> None:
    """One task for the stage's first actor's department (the working team by default)."""
    actor = stage.actors[0]
    create_task(step, stage, actor.department or "working_team", actor.role)


class TeamReview(StageBehaviour):
    kind = StageKind.TEAM_REVIEW
    outcomes: ClassVar[Mapping[str, str]] = {
        "pass": "pass",
        "fail": "fail",
        "return": "return_material",
    }
    actions: ClassVar[Mapping[str, Action]] = {**TASK_ACTIONS, "material_due": lapse_material}
    returns = True

    def edges(self, stage: StageSpec, next_state: str) -> Iterator[TransitionSpec]:
        s = stage.id
        yield TransitionSpec("pass", s, next_state, eligibility_guards(stage))
        yield TransitionSpec("fail", s, "disqualified")
        yield TransitionSpec("return_material", s, f"{s}_returned")
        yield TransitionSpec("resubmit", f"{s}_returned", s)

    def enter(self, step: Step, stage: StageSpec) -> None:
        enter_task_stage(step, stage)

    def enter_returned(self, step: Step, stage: StageSpec) -> None:
        """A return for material: the unit has `return_days` working days to answer."""
        due = None
        returned = f"{stage.id}_returned"
        if stage.return_days:
            n = step.nomination
            due = step.calendar.add_working_days(step.now, stage.return_days)
            row = NewDeadline(n.campaign_id, "material_due", due, n.id, returned)
            deadline_lifecycle.schedule(step.uow, [row], step.now)
        notify_unit(step, "returned_for_material", returned, answer_by=stored(due))


BEHAVIOUR = TeamReview()
