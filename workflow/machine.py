"""The nomination state machine: one `transitions` Machine per definition version, shared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from transitions import EventData, Machine

from config.catalogue import DEFAULT, Label, Listing, msg, render, state_label, text
from workflow.definition import Definition
from workflow.errors import GuardFailed, RuleFailure, TransitionNotAllowed
from workflow.stages.registry import stage_edges, stage_states

# The states and the edge type live in workflow.states (the stage kinds use them too);
# they are re-exported here for the many callers that know them as the machine's.
from workflow.states import AWARDED as AWARDED
from workflow.states import CLOSED_STATES as CLOSED_STATES
from workflow.states import DRAFT as DRAFT
from workflow.states import END_STATES as END_STATES
from workflow.states import HOLD_NO_PLACE as HOLD_NO_PLACE
from workflow.states import REVOKED as REVOKED
from workflow.states import SUBMITTED as SUBMITTED
from workflow.states import TransitionSpec as TransitionSpec


class Stateful(Protocol):
    """What the machine needs of a nomination: a `status` it reads and writes."""

    status: str


class TransitionHooks(Protocol):
    """What runs during a transition: guards by name, and the row-writing callback."""

    def check_guard(self, guard: str, nomination: Any) -> list[RuleFailure]: ...

    def on_state_changed(self, nomination: Any, source: str, dest: str, trigger: str) -> None: ...


def open_states(definition: Definition) -> list[str]:
    """Every state from which a nomination can still move on (and be withdrawn)."""
    return [DRAFT, SUBMITTED, *stage_states(definition)]


def build_transitions(definition: Definition) -> list[TransitionSpec]:
    """All edges of a definition, in a stable order."""
    submit_guards = ("submission_open", "quota", "unit_rules") + (
        ("eligibility:submission",) if definition.submission.rules else ()
    )
    specs = [
        TransitionSpec("submit", DRAFT, SUBMITTED, submit_guards),
        TransitionSpec("begin_review", SUBMITTED, definition.stages[0].id),
    ]
    specs.extend(stage_edges(definition))  # each stage kind contributes its own
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

    def mermaid(self, current: str | None = None, locale: str = DEFAULT) -> str:
        """A Mermaid state diagram of the definition in a locale, the current state highlighted.

        Node ids are the state codes (ASCII, as Mermaid needs); what a reader sees is words:
        each state is declared with its label, edges carry the trigger's label and the labels
        of its guards, and the withdraw note is the catalogue's.
        """
        lines = ["stateDiagram-v2"]
        lines += [f'    state "{_quoted(state_label(s, locale))}" as {s}' for s in self.states]
        lines.append(f"    [*] --> {DRAFT}")
        for spec in self.specs:
            if spec.trigger == "withdraw" and spec.source != DRAFT:
                continue  # one withdraw edge stands for all, to keep the diagram readable
            lines.append(f"    {spec.source} --> {spec.dest}: {_edge(spec, locale)}")
        note = text("diagram.withdraw_note", locale)
        lines.append(f"    note right of withdrawn: {note}")
        for end in (AWARDED, *END_STATES):
            lines.append(f"    {end} --> [*]")
        if current:
            lines.append("    classDef current fill:#fde68a,stroke:#b45309,stroke-width:3px")
            lines.append(f"    class {current} current")
        return "\n".join(lines)


def _quoted(words: str) -> str:
    """A label safe inside a Mermaid double-quoted name."""
    return words.replace('"', "'")


def _edge(spec: TransitionSpec, locale: str) -> str:
    """An edge's words: the trigger's label, and its guards' labels when it has any."""
    trigger = Label("trigger", spec.trigger)
    if not spec.guards:
        return trigger.render(locale)
    guards = Listing(tuple(Label("guard", g.partition(":")[0]) for g in spec.guards))
    return render(msg("diagram.guarded", trigger=trigger, guards=guards), locale)


_CACHE: dict[str, NominationMachine] = {}


def machine_for(key: str, definition: Definition) -> NominationMachine:
    """The one shared machine of a definition version (built once per process)."""
    machine = _CACHE.get(key)
    if machine is None:
        machine = _CACHE[key] = NominationMachine(definition)
    return machine
