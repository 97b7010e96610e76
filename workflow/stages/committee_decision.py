"""The committee's decision (审定): on the list as a whole, by `workflow.services.committee`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import ClassVar

from config.catalogue import msg
from workflow.definition import StageKind, StageSpec
from workflow.errors import RuleFailure
from workflow.stages.base import Guard, StageBehaviour
from workflow.states import AWARDED, TransitionSpec
from workflow.step import Step


def is_main_nomination(step: Step) -> list[RuleFailure]:
    """Only main nominations can be awarded; alternates must step up first."""
    if step.nomination.rank != "main":
        return [RuleFailure("alternate", msg("rule.alternate.not_stepped_up"))]
    return []


class CommitteeDecision(StageBehaviour):
    kind = StageKind.COMMITTEE_DECISION
    guards: ClassVar[Mapping[str, Guard]] = {"is_main_nomination": is_main_nomination}

    def edges(self, stage: StageSpec, next_state: str) -> Iterator[TransitionSpec]:
        # Only through the committee's decision on the whole list, never per nomination.
        yield TransitionSpec(
            "approve", stage.id, AWARDED, ("is_main_nomination",), system_only=True
        )
        yield TransitionSpec("reject", stage.id, "not_approved", system_only=True)


BEHAVIOUR = CommitteeDecision()
