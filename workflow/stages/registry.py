"""Every stage kind by its `StageKind`, and what the machine and the sweep ask of them all."""

from __future__ import annotations

from collections.abc import Mapping

from workflow.definition import Definition, StageKind, StageSpec
from workflow.stages import (
    committee_decision,
    inspection,
    joint_review,
    public_notice,
    team_review,
)
from workflow.stages.base import Action, Guard, StageBehaviour
from workflow.states import TransitionSpec

KINDS: Mapping[StageKind, StageBehaviour] = {
    StageKind.TEAM_REVIEW: team_review.BEHAVIOUR,
    StageKind.JOINT_REVIEW: joint_review.BEHAVIOUR,
    StageKind.INSPECTION: inspection.BEHAVIOUR,
    StageKind.PUBLIC_NOTICE: public_notice.BEHAVIOUR,
    StageKind.COMMITTEE_DECISION: committee_decision.BEHAVIOUR,
}


def kind_of(stage: StageSpec) -> StageBehaviour:
    """The behaviour of a stage's kind."""
    return KINDS[stage.kind]


def stage_edges(definition: Definition) -> list[TransitionSpec]:
    """Every stage's edges, in stage order; each leads on to the following stage."""
    specs: list[TransitionSpec] = []
    for index, stage in enumerate(definition.stages):
        following = definition.stages[index + 1].id if index + 1 < len(definition.stages) else ""
        specs.extend(kind_of(stage).edges(stage, following))
    return specs


def stage_states(definition: Definition) -> list[str]:
    """The states the stages own, in stage order."""
    return [state for stage in definition.stages for state in kind_of(stage).states(stage)]


def outcomes_of(kind: StageKind) -> Mapping[str, str]:
    """What a reviewer may answer in a stage of this kind -> the trigger each answer fires."""
    return KINDS[kind].outcomes


def guards() -> dict[str, Guard]:
    """The guards the stage kinds contribute, by name."""
    return {name: guard for kind in KINDS.values() for name, guard in kind.guards.items()}


def actions() -> dict[str, Action]:
    """What each deadline kind the stages create does when it fires, by base kind."""
    return {name: action for kind in KINDS.values() for name, action in kind.actions.items()}


def team_states(definition: Definition, role: str, department: str | None) -> list[str]:
    """The states whose nominations a team member (role, department) works on and sees."""
    states: list[str] = []
    for index, stage in enumerate(definition.stages):
        if any(a.role == role and a.department in (None, department) for a in stage.actors):
            states += kind_of(stage).team_states(stage, index)
    return states
