"""The nomination state machine, table-driven over every state and trigger of both definitions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from config import catalogue
from config.catalogue import Label
from workflow.definition import Definition
from workflow.definition_loading import load_definition_file
from workflow.errors import GuardFailed, RuleFailure, TransitionNotAllowed
from workflow.machine import NominationMachine, build_transitions

WORKFLOWS = Path(__file__).resolve().parents[2] / "config" / "workflows"
DEFINITIONS: dict[str, Definition] = {
    name: load_definition_file(WORKFLOWS / f"{name}.yaml")[0]
    for name in ("jiangxi-labour-model", "mayday-medal")
}
MACHINES: dict[str, NominationMachine] = {
    name: NominationMachine(d) for name, d in DEFINITIONS.items()
}

END = ["disqualified", "vetoed", "removed", "not_approved", "withdrawn", "revoked"]

# The edges written out by hand from DOMAIN.md: state -> trigger -> (dest, guards).
Edges = dict[str, dict[str, tuple[str, tuple[str, ...]]]]


def _expected(inspection: bool) -> Edges:
    after_joint = "inspection" if inspection else "public_notice"
    table: Edges = {
        "draft": {
            "submit": (
                "submitted",
                ("submission_open", "quota", "unit_rules", "eligibility:submission"),
            )
        },
        "submitted": {"begin_review": ("qualification", ())},
        "qualification": {
            "pass": ("joint_review", ("eligibility:qualification",)),
            "fail": ("disqualified", ()),
            "return_material": ("qualification_returned", ()),
        },
        "qualification_returned": {"resubmit": ("qualification", ())},
        "joint_review": {
            "clear": (after_joint, ("joint_review_cleared",)),
            "veto": ("vetoed", ()),
        },
        "public_notice": {
            "close_notice": ("committee", ("notice_period_over", "no_open_objection")),
            "uphold_objection": ("removed", ("investigated_objection",)),
        },
        "committee": {
            "approve": ("awarded", ("is_main_nomination",)),
            "reject": ("not_approved", ()),
        },
        "awarded": {"revoke": ("revoked", ())},
    }
    if inspection:
        table["inspection"] = {"pass": ("public_notice", ()), "fail": ("disqualified", ())}
    for state in list(table):
        if state != "awarded":  # every open state may be withdrawn
            table[state]["withdraw"] = ("withdrawn", ())
    for state in END:
        table[state] = {}
    return table


EXPECTED: dict[str, Edges] = {
    "jiangxi-labour-model": _expected(inspection=True),
    "mayday-medal": _expected(inspection=False),
}
ALL_TRIGGERS = sorted(
    {spec.trigger for m in MACHINES.values() for spec in m.specs}
    | {t for table in EXPECTED.values() for edges in table.values() for t in edges}
)
SYSTEM_ONLY = {"clear", "veto", "approve", "reject"}


@dataclass
class Row:
    """A stand-in for a nomination row: all the machine reads and writes is `status`."""

    status: str


@dataclass
class FakeHooks:
    """Guards answer from a table; state changes are recorded."""

    failing: dict[str, list[RuleFailure]] = field(default_factory=dict)
    guards_checked: list[str] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    seen_models: list[Any] = field(default_factory=list)

    def check_guard(self, guard: str, nomination: Any) -> list[RuleFailure]:
        self.guards_checked.append(guard)
        self.seen_models.append(nomination)
        return list(self.failing.get(guard, []))

    def on_state_changed(self, nomination: Any, source: str, dest: str, trigger: str) -> None:
        self.seen_models.append(nomination)
        self.changes.append((source, dest, trigger))


def _pairs() -> list[Any]:
    return [
        pytest.param(name, state, trigger, id=f"{name}:{state}:{trigger}")
        for name, table in EXPECTED.items()
        for state in table
        for trigger in ALL_TRIGGERS
    ]


def _edges() -> list[Any]:
    return [
        pytest.param(name, state, trigger, dest, guards, id=f"{name}:{state}:{trigger}")
        for name, table in EXPECTED.items()
        for state, edges in table.items()
        for trigger, (dest, guards) in edges.items()
    ]


def _guarded_edges() -> list[Any]:
    return [p for p in _edges() if p.values[4]]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_states_are_exactly_the_table(name: str) -> None:
    machine = MACHINES[name]
    assert sorted(machine.states) == sorted(EXPECTED[name])
    assert len(machine.states) == len(set(machine.states))
    assert machine.states[0] == "draft"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_edges_are_exactly_the_table(name: str) -> None:
    specs = build_transitions(DEFINITIONS[name])
    actual = {(s.source, s.trigger): (s.dest, s.guards) for s in specs}
    expected = {
        (state, trigger): edge
        for state, edges in EXPECTED[name].items()
        for trigger, edge in edges.items()
    }
    assert actual == expected
    assert len(specs) == len(actual), "an edge is listed twice"
    assert {s.trigger for s in specs if s.system_only} == SYSTEM_ONLY


@pytest.mark.parametrize(("name", "state", "trigger"), _pairs())
def test_every_state_and_trigger(name: str, state: str, trigger: str) -> None:
    machine = MACHINES[name]
    edges = EXPECTED[name][state]
    assert machine.allowed_triggers(state) == sorted(edges)
    if trigger in edges:
        spec = machine.spec(state, trigger)
        assert (spec.source, spec.dest, spec.guards) == (state, *edges[trigger])
        assert spec.system_only is (trigger in SYSTEM_ONLY)
        return
    with pytest.raises(TransitionNotAllowed) as caught:
        machine.spec(state, trigger)
    error = caught.value
    assert (error.state, error.trigger) == (state, trigger)
    assert error.allowed == machine.allowed_triggers(state)
    # The words come from the catalogue: codes and figures in the error, labels in the text.
    assert error.message is not None and error.message.code == "error.transition_not_allowed"
    assert error.message.params["trigger"] == Label("trigger", trigger)
    assert error.message.params["state"] == Label("state", state)
    message = str(error)
    assert f"“{catalogue.state_label(state)}”" in message
    assert f"“{catalogue.text('trigger.' + trigger)}”" in message
    listed = re.search(r"可执行：(.*)$", message)
    assert listed is not None
    names = [] if listed[1] == "无" else listed[1].split("、")
    assert names == [catalogue.text("trigger." + t) for t in sorted(edges)]
    english = error.text("en")
    assert f"'{catalogue.text('trigger.' + trigger, 'en')}'" in english
    assert english.endswith("allowed: none") is (not edges)
    # Firing the same pair refuses before any guard or callback runs.
    hooks, row = FakeHooks(), Row(state)
    with pytest.raises(TransitionNotAllowed):
        machine.fire(row, trigger, hooks)
    assert row.status == state
    assert hooks.guards_checked == [] and hooks.changes == []


@pytest.mark.parametrize(("name", "state", "trigger", "dest", "guards"), _edges())
def test_firing_moves_state_and_calls_the_hook_once(
    name: str, state: str, trigger: str, dest: str, guards: tuple[str, ...]
) -> None:
    hooks, row = FakeHooks(), Row(state)
    assert MACHINES[name].fire(row, trigger, hooks) == dest
    assert row.status == dest
    assert hooks.changes == [(state, dest, trigger)]
    assert hooks.guards_checked == list(guards)
    assert all(model is row for model in hooks.seen_models)


@pytest.mark.parametrize(("name", "state", "trigger", "dest", "guards"), _guarded_edges())
def test_failing_guard_refuses_and_changes_nothing(
    name: str, state: str, trigger: str, dest: str, guards: tuple[str, ...]
) -> None:
    failing_guard = guards[-1]
    failure = RuleFailure(f"rule_{failing_guard}", "unit 南昌市总工会 has 3 place(s) and 3 taken")
    hooks, row = FakeHooks(failing={failing_guard: [failure]}), Row(state)
    with pytest.raises(GuardFailed) as caught:
        MACHINES[name].fire(row, trigger, hooks)
    assert row.status == state
    assert hooks.changes == []
    assert caught.value.trigger == trigger
    assert caught.value.failures == [failure]
    message = str(caught.value)
    assert f"rule_{failing_guard}" in message
    assert "has 3 place(s) and 3 taken" in message


def test_every_failing_guard_is_reported() -> None:
    failures = {
        "notice_period_over": [RuleFailure("notice_period", "runs until 2026-03-09")],
        "no_open_objection": [RuleFailure("objections", "1 objection(s) still open")],
    }
    hooks, row = FakeHooks(failing=failures), Row("public_notice")
    with pytest.raises(GuardFailed) as caught:
        MACHINES["jiangxi-labour-model"].fire(row, "close_notice", hooks)
    assert [f.rule for f in caught.value.failures] == ["notice_period", "objections"]
    assert row.status == "public_notice" and hooks.changes == []


def test_a_refused_row_can_fire_again_once_the_guard_passes() -> None:
    machine = MACHINES["jiangxi-labour-model"]
    row = Row("draft")
    with pytest.raises(GuardFailed):
        machine.fire(row, "submit", FakeHooks(failing={"quota": [RuleFailure("quota", "full")]}))
    hooks = FakeHooks()
    assert machine.fire(row, "submit", hooks) == "submitted"
    assert hooks.changes == [("draft", "submitted", "submit")]


def test_a_whole_path_to_revocation() -> None:
    machine, row, hooks = MACHINES["jiangxi-labour-model"], Row("draft"), FakeHooks()
    triggers = ["submit", "begin_review", "return_material", "resubmit", "pass", "clear"]
    triggers += ["pass", "close_notice", "approve", "revoke"]
    for trigger in triggers:
        machine.fire(row, trigger, hooks)
    assert row.status == "revoked"
    assert [c[1] for c in hooks.changes] == [
        "submitted",
        "qualification",
        "qualification_returned",
        "qualification",
        "joint_review",
        "inspection",
        "public_notice",
        "committee",
        "awarded",
        "revoked",
    ]
