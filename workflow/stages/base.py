"""What a stage kind is: its edges, what entering it creates, its answers, deadlines, team.

A stage kind is one module of `workflow.stages` with one `StageBehaviour` subclass, listed
in `workflow.stages.registry`. Stage kinds never import the services: a kind that moves a
nomination (a deadline that ends a notice, a department's veto) is handed `apply`, the one
path for state changes (`workflow.services.transitions.apply`), by its caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar, Protocol

from config.catalogue import Message
from models import Deadline, Nomination, ReviewTask
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.definition import StageKind, StageSpec
from workflow.errors import RuleFailure
from workflow.states import SUBMITTED, TransitionResult, TransitionSpec
from workflow.step import Step


class Apply(Protocol):
    """Fire a trigger on a locked nomination inside the caller's transaction."""

    def __call__(
        self,
        uow: UnitOfWork,
        nomination: Nomination,
        trigger: str,
        actor: Actor,
        now: datetime,
        *,
        reason: str | Message | None = None,
        payload: dict[str, Any] | None = None,
        internal: bool = False,
    ) -> TransitionResult: ...


# A guard reads the step and says why it refuses (nothing: it passes).
Guard = Callable[[Step], list[RuleFailure]]
# A deadline's action: runs inside the sweep's savepoint and says what it did.
# Its outcome is a Message; the sweep stores it as Chinese text in `Deadline.outcome`.
Action = Callable[[UnitOfWork, Deadline, datetime, Apply], Message]


class StageBehaviour:
    """The behaviour every stage of one kind shares; subclasses override what differs."""

    kind: ClassVar[StageKind]
    # A reviewer's answer -> the trigger it fires (kinds without review tasks have none).
    outcomes: ClassVar[Mapping[str, str]] = {}
    # Guards this kind contributes to the machine's registry, by name.
    guards: ClassVar[Mapping[str, Guard]] = {}
    # What the deadline kinds this stage creates do when they fire (base kind -> action).
    actions: ClassVar[Mapping[str, Action]] = {}
    # Whether a nomination can be sent back to its unit from this stage (`<id>_returned`).
    returns: ClassVar[bool] = False
    # The answers that veto (否决): the reviewer confirms them and must write the reason.
    vetoes: ClassVar[frozenset[str]] = frozenset()

    def edges(self, stage: StageSpec, next_state: str) -> Iterator[TransitionSpec]:
        """The machine's edges out of (and back into) this stage."""
        raise NotImplementedError

    def states(self, stage: StageSpec) -> list[str]:
        """The nomination states this stage owns."""
        return [stage.id, f"{stage.id}_returned"] if self.returns else [stage.id]

    def enter(self, step: Step, stage: StageSpec) -> None:
        """What a nomination entering the stage creates: tasks, deadlines, messages."""

    def enter_returned(self, step: Step, stage: StageSpec) -> None:
        """What a return to the unit for material creates."""

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
        """After a reviewer's answer: fire its trigger (None: the stage waits for others)."""
        return apply(uow, nomination, trigger, actor, now, reason=task.opinion)

    def team_states(self, stage: StageSpec, index: int) -> list[str]:
        """The states whose nominations this stage's team sees (the first stage's: submitted)."""
        return ([SUBMITTED] if index == 0 else []) + self.states(stage)


def eligibility_guards(stage: StageSpec) -> tuple[str, ...]:
    """The guard that runs a stage's configured eligibility rules, if it has any."""
    return (f"eligibility:{stage.id}",) if stage.rules else ()
