"""The nomination state machine: one `transitions` Machine per definition version, shared."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from transitions import EventData, Machine

from config.catalogue import msg
from workflow.definition import Definition, StageKind, StageSpec
from workflow.errors import GuardFailed, RuleFailure, TransitionNotAllowed

DRAFT, SUBMITTED, AWARDED, REVOKED = "draft", "submitted", "awarded", "revoked"
# Ends of the road; a nomination in one of these is no longer open.
END_STATES: tuple[str, ...] = (
    "disqualified",
    "vetoed",
    "removed",
    "not_approved",
    "withdrawn",
    REVOKED,
)
CLOSED_STATES: frozenset[str] = frozenset((*END_STATES, AWARDED))
# States in which a main nomination does not use one of its unit's places.
HOLD_NO_PLACE: tuple[str, ...] = (DRAFT, *END_STATES)


class Stateful(Protocol):
    """What the machine needs of a nomination: a `status` it reads and writes."""

    status: str


class TransitionHooks(Protocol):
    """What runs during a transition: guards by name, and the row-writing callback."""

    def check_guard(self, guard: str, nomination: Any) -> list[RuleFailure]: ...

    def on_state_changed(self, nomination: Any, source: str, dest: str, trigger: str) -> None: ...


@dataclass(frozen=True)
class TransitionSpec:
    """One edge of the machine, with the guards that must pass."""

    trigger: str
    source: str
    dest: str
    guards: tuple[str, ...] = ()
    system_only: bool = False  # fired by the engine itself (joint-review outcome, deadlines)


def stage_transitions(stage: StageSpec, next_state: str) -> Iterator[TransitionSpec]:
    """The edges a stage of this kind contributes."""
    s = stage.id
    rules = (f"eligibility:{s}",) if stage.rules else ()
    if stage.kind is StageKind.TEAM_REVIEW:
        yield TransitionSpec("pass", s, next_state, rules)
        yield TransitionSpec("fail", s, "disqualified")
        yield TransitionSpec("return_material", s, f"{s}_returned")
        yield TransitionSpec("resubmit", f"{s}_returned", s)
    elif stage.kind is StageKind.JOINT_REVIEW:
        yield TransitionSpec("clear", s, next_state, ("joint_review_cleared",), system_only=True)
        yield TransitionSpec("veto", s, "vetoed", system_only=True)
    elif stage.kind is StageKind.INSPECTION:
        yield TransitionSpec("pass", s, next_state, rules)
        yield TransitionSpec("fail", s, "disqualified")
    elif stage.kind is StageKind.PUBLIC_NOTICE:
        yield TransitionSpec(
            "close_notice", s, next_state, ("notice_period_over", "no_open_objection")
        )
        yield TransitionSpec("uphold_objection", s, "removed")
    elif stage.kind is StageKind.COMMITTEE_DECISION:
        # Only through the committee's decision on the whole list (workflow.services.committee).
        yield TransitionSpec("approve", s, AWARDED, ("is_main_nomination",), system_only=True)
        yield TransitionSpec("reject", s, "not_approved", system_only=True)


def open_states(definition: Definition) -> list[str]:
    """Every state from which a nomination can still move on (and be withdrawn)."""
    states = [DRAFT, SUBMITTED]
    for stage in definition.stages:
        states.append(stage.id)
        if stage.kind is StageKind.TEAM_REVIEW:
            states.append(f"{stage.id}_returned")
    return states


def build_transitions(definition: Definition) -> list[TransitionSpec]:
    """All edges of a definition, in a stable order."""
    submit_guards = ("submission_open", "quota", "unit_rules") + (
        ("eligibility:submission",) if definition.submission.rules else ()
    )
    specs = [
        TransitionSpec("submit", DRAFT, SUBMITTED, submit_guards),
        TransitionSpec("begin_review", SUBMITTED, definition.stages[0].id),
    ]
    for index, stage in enumerate(definition.stages):
        following = definition.stages[index + 1].id if index + 1 < len(definition.stages) else ""
        specs.extend(stage_transitions(stage, following))
    specs.extend(TransitionSpec("withdraw", s, "withdrawn") for s in open_states(definition))
    specs.append(TransitionSpec("revoke", AWARDED, REVOKED))
    return specs


class NominationMachine:
    """A definition's machine: fires triggers on any nomination row without owning it."""

    def __init__(self, definition: Definition) -> None:
        self.definition = definition
        self.specs = build_transitions(definition)
        self.states = [*open_states(definition), AWARDED, *END_STATES]
        self._machine = Machine(
            model=None,
            states=self.states,
            initial=DRAFT,
            auto_transitions=False,
            model_attribute="status",
            send_event=True,
            after_state_change=[self._after_state_change],
        )
        for spec in self.specs:
            self._machine.add_transition(
                spec.trigger,
                spec.source,
                spec.dest,
                conditions=[self._guard_condition(spec.guards)] if spec.guards else None,
            )

    def allowed_triggers(self, state: str) -> list[str]:
        """Triggers that have an edge out of this state."""
        return sorted(self._machine.get_triggers(state))

    def spec(self, state: str, trigger: str) -> TransitionSpec:
        """The edge a trigger takes from a state; refuses with the allowed triggers."""
        for spec in self.specs:
            if spec.source == state and spec.trigger == trigger:
                return spec
        raise TransitionNotAllowed(state, trigger, self.allowed_triggers(state))

    def fire(self, nomination: Stateful, trigger: str, hooks: TransitionHooks) -> str:
        """Fire a trigger on a nomination; returns the new state or raises with the reasons."""
        state = nomination.status
        self.spec(state, trigger)
        failures: list[RuleFailure] = []
        moved = self._machine.events[trigger].trigger(nomination, hooks=hooks, failures=failures)
        if not moved:
            refused = RuleFailure("guard", msg("rule.guard.refused"))
            raise GuardFailed(trigger, failures or [refused])
        return nomination.status

    @staticmethod
    def _guard_condition(guards: tuple[str, ...]) -> Callable[[EventData], bool]:
        def condition(event: EventData) -> bool:
            hooks: TransitionHooks = event.kwargs["hooks"]
            failures: list[RuleFailure] = event.kwargs["failures"]
            for guard in guards:
                failures.extend(hooks.check_guard(guard, event.model))
            return not failures

        return condition

    @staticmethod
    def _after_state_change(event: EventData) -> None:
        hooks: TransitionHooks = event.kwargs["hooks"]
        assert event.transition is not None and event.transition.dest is not None
        hooks.on_state_changed(
            event.model, event.transition.source, event.transition.dest, event.event.name
        )

    def mermaid(self, current: str | None = None) -> str:
        """A Mermaid state diagram of the definition, the current state highlighted."""
        lines = ["stateDiagram-v2", f"    [*] --> {DRAFT}"]
        for spec in self.specs:
            if spec.trigger == "withdraw" and spec.source != DRAFT:
                continue  # one withdraw edge stands for all, to keep the diagram readable
            label = spec.trigger + (" [" + ", ".join(spec.guards) + "]" if spec.guards else "")
            lines.append(f"    {spec.source} --> {spec.dest}: {label}")
        lines.append("    note right of withdrawn: withdraw is allowed from every open state")
        for end in (AWARDED, *END_STATES):
            lines.append(f"    {end} --> [*]")
        if current:
            lines.append("    classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px")
            lines.append(f"    class {current} current")
        return "\n".join(lines)


_CACHE: dict[str, NominationMachine] = {}


def machine_for(key: str, definition: Definition) -> NominationMachine:
    """The one shared machine of a definition version (built once per process)."""
    machine = _CACHE.get(key)
    if machine is None:
        machine = _CACHE[key] = NominationMachine(definition)
    return machine
