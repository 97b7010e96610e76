"""Joint review (多部门联审): every routed department answers clear or object.

The completion rule is this module's alone: under `all_clear` one objection vetoes at
once; under `quorum: N` the nomination clears when N departments have cleared, and is
vetoed when every department has answered without reaching N. The engine fires `clear`
and `veto` itself (system-only edges); `clear` is guarded by `joint_review_cleared`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import ClassVar

from sqlalchemy import bindparam, select

from config.catalogue import msg
from models import Nomination, ReviewTask
from models.reviews import TASK_CANCELLED, TASK_DONE
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.definition import StageKind, StageSpec
from workflow.errors import GuardFailed, RuleFailure
from workflow.routing import route_departments
from workflow.stages.base import Action, Apply, Guard, StageBehaviour
from workflow.stages.tasks import TASK_ACTIONS, create_tasks, has_unanswered
from workflow.states import TransitionResult, TransitionSpec
from workflow.step import Step
from workflow.versions import definition_of

# Built once (asked at every department's answer): only what the rule counts.
_ANSWERS = select(ReviewTask.status, ReviewTask.outcome).where(
    ReviewTask.nomination_id == bindparam("of_nomination"),
    ReviewTask.stage == bindparam("of_stage"),
    ReviewTask.status != TASK_CANCELLED,
)


def joint_review_cleared(step: Step) -> list[RuleFailure]:
    """The stage's completion rule: every department clears, or a quorum does."""
    stage = step.definition.stage(step.nomination.status)
    params = {"of_nomination": step.nomination.id, "of_stage": stage.id}
    tasks = step.uow.session.execute(_ANSWERS, params).all()
    cleared = sum(1 for status, outcome in tasks if status == TASK_DONE and outcome == "clear")
    if stage.completion.rule == "quorum":
        need = stage.completion.quorum or 0
        if cleared < need:
            short = msg("rule.joint_review.below_quorum", cleared=cleared, quorum=need)
            return [RuleFailure("joint_review", short)]
        return []
    if cleared < len(tasks):
        short = msg("rule.joint_review.not_all_cleared", cleared=cleared, total=len(tasks))
        return [RuleFailure("joint_review", short)]
    return []


class JointReview(StageBehaviour):
    kind = StageKind.JOINT_REVIEW
    outcomes: ClassVar[Mapping[str, str]] = {"clear": "clear", "object": "veto"}
    vetoes: ClassVar[frozenset[str]] = frozenset({"object"})
    guards: ClassVar[Mapping[str, Guard]] = {"joint_review_cleared": joint_review_cleared}
    actions: ClassVar[Mapping[str, Action]] = TASK_ACTIONS

    def edges(self, stage: StageSpec, next_state: str) -> Iterator[TransitionSpec]:
        s = stage.id
        yield TransitionSpec("clear", s, next_state, ("joint_review_cleared",), system_only=True)
        yield TransitionSpec("veto", s, "vetoed", system_only=True)

    def enter(self, step: Step, stage: StageSpec) -> None:
        """One task per department the stage's routing sends this nominee to."""
        departments = route_departments(stage, step.facts)
        create_tasks(step, stage, [(d, "department_reviewer") for d in departments])

    def decide(
        self,
        uow: UnitOfWork,
        nomination: Nomination,
        task: ReviewTask,
        trigger: str,
        actor: Actor,
        now: datetime,
        apply: Apply,
    ) -> TransitionResult | None:
        """One objection vetoes under all_clear; else clear once the rule is met."""
        definition = definition_of(nomination.definition)
        department = definition.departments.get(task.department)
        name = department.name if department else task.department
        reason = msg("audit.department_opinion", department=name, opinion=task.opinion or "")
        stage = definition.stage(task.stage)
        all_clear = stage.completion.rule == "all_clear"
        if trigger == "veto" and all_clear:
            return apply(uow, nomination, "veto", actor, now, reason=reason, internal=True)
        # Under all_clear an open task means `clear` would be refused: ask that one question
        # instead of trying the whole transition for every department but the last.
        if all_clear and has_unanswered(uow, nomination.id, task.stage):
            return None
        try:
            return apply(uow, nomination, "clear", actor, now, reason=reason, internal=True)
        except GuardFailed as waiting:
            if has_unanswered(uow, nomination.id, task.stage):
                return None  # other departments have not all answered yet
            # Every department answered and the quorum was not reached: that is a veto.
            return apply(uow, nomination, "veto", actor, now, reason=waiting.message, internal=True)


BEHAVIOUR = JointReview()
