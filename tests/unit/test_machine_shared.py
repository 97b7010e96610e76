"""One machine shared by every nomination of a definition, and the diagram drawn from it."""

from __future__ import annotations

import re

import pytest

from config import catalogue
from tests.unit.test_machine import DEFINITIONS, EXPECTED, MACHINES, FakeHooks, Row
from workflow.machine import machine_for

# --- one shared machine ---------------------------------------------------------------------


def test_machine_for_returns_one_machine_per_key() -> None:
    definition = DEFINITIONS["mayday-medal"]
    first = machine_for("test-machine:mayday", definition)
    assert machine_for("test-machine:mayday", definition) is first
    other = machine_for("test-machine:jiangxi", DEFINITIONS["jiangxi-labour-model"])
    assert other is not first


def test_firing_on_many_rows_registers_no_model() -> None:
    machine = machine_for("test-machine:many", DEFINITIONS["jiangxi-labour-model"])
    rows = [Row("draft") for _ in range(1000)]
    for row in rows:
        machine.fire(row, "submit", FakeHooks())
    assert {row.status for row in rows} == {"submitted"}
    assert len(machine._machine.models) == 0
    # A loaded row keeps its own state: nothing resets it to the initial one.
    late = Row("committee")
    machine.fire(late, "approve", FakeHooks())
    assert late.status == "awarded"
    assert len(machine._machine.models) == 0


# --- the diagram ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPECTED))
def test_mermaid_shows_every_state_and_the_current_one(name: str) -> None:
    machine = MACHINES[name]
    diagram = machine.mermaid(current="public_notice")
    assert diagram.startswith("stateDiagram-v2")
    words = set(re.findall(r"[a-z_]+", diagram))
    for state in machine.states:
        assert state in words, state
    assert "    class public_notice current" in diagram.splitlines()
    assert "classDef current" in diagram
    for state, edges in EXPECTED[name].items():
        for trigger, (dest, _) in edges.items():
            if trigger != "withdraw":
                shown = catalogue.label("trigger", trigger)
                assert f"    {state} --> {dest}: {shown}" in diagram
    plain = machine.mermaid()
    assert "class " not in plain and "classDef" not in plain
