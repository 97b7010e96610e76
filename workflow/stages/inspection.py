"""Inspection (考察): the inspecting team passes or fails the nominee after a visit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from workflow.definition import StageKind, StageSpec
from workflow.stages.base import Action, StageBehaviour, eligibility_guards
from workflow.stages.tasks import TASK_ACTIONS
from workflow.stages.team_review import enter_task_stage
from workflow.states import TransitionSpec
from workflow.step import Step


class Inspection(StageBehaviour):
    kind = StageKind.INSPECTION
    outcomes: ClassVar[Mapping[str, str]] = {"pass": "pass", "fail": "fail"}
    actions: ClassVar[Mapping[str, Action]] = TASK_ACTIONS

    def edges(self, stage: StageSpec, next_state: str) -> Iterator[TransitionSpec]:
        yield TransitionSpec("pass", stage.id, next_state, eligibility_guards(stage))
        yield TransitionSpec("fail", stage.id, "disqualified")

    def enter(self, step: Step, stage: StageSpec) -> None:
        enter_task_stage(step, stage)


BEHAVIOUR = Inspection()
