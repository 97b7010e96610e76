"""Each stage kind on its own: its edges, reviewer outcomes, guards, deadline actions,
team states, and joint review's decision rule (one objection vetoes; quorum)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from workflow.actors import Actor
from workflow.definition import Definition, StageKind, StageSpec
from workflow.definition_loading import load_definition_file
from workflow.errors import GuardFailed, RuleFailure
from workflow.stages import joint_review, registry
from workflow.states import SUBMITTED, TransitionResult, TransitionSpec

WORKFLOWS = Path(__file__).resolve().parents[2] / "config" / "workflows"
JIANGXI: Definition = load_definition_file(WORKFLOWS / "jiangxi-labour-model.yaml")[0]
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
TEAM = [{"role": "team_reviewer", "department": "working_team"}]


def stage(kind: StageKind, **extra: Any) -> StageSpec:
    base: dict[str, Any] = {"id": "s", "kind": kind, "title": "t", "actors": TEAM}
    if kind is StageKind.JOINT_REVIEW:
        base |= {"actors": [{"role": "department_reviewer"}], "routing": [{"departments": ["a"]}]}
    if kind is StageKind.PUBLIC_NOTICE:
        base["duration_days"] = 5
    return StageSpec.model_validate(base | extra)


def edges(kind: StageKind, **extra: Any) -> set[tuple[str, str, str, tuple[str, ...], bool]]:
    spec = stage(kind, **extra)
    return {
        (e.trigger, e.source, e.dest, e.guards, e.system_only)
        for e in registry.KINDS[kind].edges(spec, "next")
    }


def test_every_stage_kind_has_a_behaviour() -> None:
    assert set(registry.KINDS) == set(StageKind)
    assert all(behaviour.kind is kind for kind, behaviour in registry.KINDS.items())


EDGES = {
    StageKind.TEAM_REVIEW: {
        ("pass", "s", "next", (), False),
        ("fail", "s", "disqualified", (), False),
        ("return_material", "s", "s_returned", (), False),
        ("resubmit", "s_returned", "s", (), False),
    },
    StageKind.JOINT_REVIEW: {
        ("clear", "s", "next", ("joint_review_cleared",), True),
        ("veto", "s", "vetoed", (), True),
    },
    StageKind.INSPECTION: {
        ("pass", "s", "next", (), False),
        ("fail", "s", "disqualified", (), False),
    },
    StageKind.PUBLIC_NOTICE: {
        ("close_notice", "s", "next", ("notice_period_over", "no_open_objection"), False),
        ("uphold_objection", "s", "removed", ("investigated_objection",), False),
    },
    StageKind.COMMITTEE_DECISION: {
        ("approve", "s", "awarded", ("is_main_nomination",), True),
        ("reject", "s", "not_approved", (), True),
    },
}


@pytest.mark.parametrize("kind", list(StageKind))
def test_edges(kind: StageKind) -> None:
    assert edges(kind) == EDGES[kind]


@pytest.mark.parametrize("kind", [StageKind.TEAM_REVIEW, StageKind.INSPECTION])
def test_a_stage_with_rules_guards_its_pass_edge(kind: StageKind) -> None:
    guarded = {e for e in edges(kind, rules=["retired"]) if e[0] == "pass"}
    assert guarded == {("pass", "s", "next", ("eligibility:s",), False)}


OUTCOMES = {
    StageKind.TEAM_REVIEW: {"pass": "pass", "fail": "fail", "return": "return_material"},
    StageKind.JOINT_REVIEW: {"clear": "clear", "object": "veto"},
    StageKind.INSPECTION: {"pass": "pass", "fail": "fail"},
    StageKind.PUBLIC_NOTICE: {},
    StageKind.COMMITTEE_DECISION: {},
}


@pytest.mark.parametrize("kind", list(StageKind))
def test_outcomes_fire_edges_of_the_stage(kind: StageKind) -> None:
    assert dict(registry.outcomes_of(kind)) == OUTCOMES[kind]
    triggers = {e[0] for e in EDGES[kind]}
    assert set(OUTCOMES[kind].values()) <= triggers


ACTIONS = {
    StageKind.TEAM_REVIEW: {"reminder", "task_due", "escalation", "material_due"},
    StageKind.JOINT_REVIEW: {"reminder", "task_due", "escalation"},
    StageKind.INSPECTION: {"reminder", "task_due", "escalation"},
    StageKind.PUBLIC_NOTICE: {"notice_end", "objection_answer_due"},
    StageKind.COMMITTEE_DECISION: set(),
}


@pytest.mark.parametrize("kind", list(StageKind))
def test_deadline_actions_and_guards_belong_to_their_kind(kind: StageKind) -> None:
    behaviour = registry.KINDS[kind]
    assert set(behaviour.actions) == ACTIONS[kind]
    used = {g for e in EDGES[kind] for g in e[3]}
    assert set(behaviour.guards) == used


def test_the_guard_and_action_registries_gather_every_kind() -> None:
    assert set(registry.guards()) == {
        "joint_review_cleared",
        "notice_period_over",
        "no_open_objection",
        "investigated_objection",
        "is_main_nomination",
    }
    assert set(registry.actions()) == set().union(*ACTIONS.values())


def test_team_states_follow_the_stages_a_member_works() -> None:
    team = registry.team_states(JIANGXI, "team_reviewer", "working_team")
    first = JIANGXI.stages[0].id
    assert team[:3] == [SUBMITTED, first, f"{first}_returned"]
    departments = registry.team_states(JIANGXI, "department_reviewer", "discipline")
    assert departments == ["joint_review"]
    assert registry.team_states(JIANGXI, "unit_clerk", None) == []


@pytest.mark.parametrize("kind", list(StageKind))
def test_a_kinds_states_are_its_edges_sources(kind: StageKind) -> None:
    spec = stage(kind)
    behaviour = registry.KINDS[kind]
    assert set(behaviour.states(spec)) == {e[1] for e in EDGES[kind]}
    assert behaviour.team_states(spec, 0) == [SUBMITTED, *behaviour.states(spec)]
    assert behaviour.team_states(spec, 1) == behaviour.states(spec)


# The joint review's decision rule, with a fake `apply` and the task's answers.


@dataclass
class FakeNomination:
    id: int = 1
    definition: object = None


@dataclass
class FakeTask:
    stage: str = "joint_review"
    department: str = "discipline"
    opinion: str = "有问题"


@dataclass
class Recorder:
    cleared: bool  # whether the completion rule is met (the `clear` guard passes)
    fired: list[str] = field(default_factory=list)

    def __call__(
        self, uow: Any, nomination: Any, trigger: str, actor: Actor, now: datetime, **kw: Any
    ) -> TransitionResult:
        self.fired.append(trigger)
        if trigger == "clear" and not self.cleared:
            raise GuardFailed("clear", [RuleFailure("joint_review", "1 of quorum 2 cleared")])
        return TransitionResult(1, trigger, "joint_review", trigger, 2, 1)


def _definition(completion: dict[str, Any]) -> Definition:
    data = JIANGXI.model_dump(mode="json")
    for s in data["stages"]:
        if s["kind"] == "joint_review":
            s["completion"] = completion
    return Definition.model_validate(data)


@pytest.mark.parametrize(
    ("completion", "answer", "cleared", "unanswered", "fired", "moved"),
    [
        # all_clear: one objection vetoes at once, whatever the others say
        ({"rule": "all_clear"}, "veto", False, True, ["veto"], True),
        # all_clear with a department still to answer: asks that, fires nothing
        ({"rule": "all_clear"}, "clear", False, True, [], False),
        ({"rule": "all_clear"}, "clear", True, False, ["clear"], True),
        # all_clear, every department answered and the rule not met: a veto
        ({"rule": "all_clear"}, "clear", False, False, ["clear", "veto"], True),
        # quorum: an objection only counts against; a veto once all answered short of it
        ({"rule": "quorum", "quorum": 2}, "veto", False, True, ["clear"], False),
        ({"rule": "quorum", "quorum": 2}, "veto", True, True, ["clear"], True),
        ({"rule": "quorum", "quorum": 2}, "veto", False, False, ["clear", "veto"], True),
        ({"rule": "quorum", "quorum": 2}, "clear", True, True, ["clear"], True),
    ],
)
def test_joint_review_decision_rule(
    monkeypatch: pytest.MonkeyPatch,
    completion: dict[str, Any],
    answer: str,
    cleared: bool,
    unanswered: bool,
    fired: list[str],
    moved: bool,
) -> None:
    definition = _definition(completion)
    monkeypatch.setattr(joint_review, "definition_of", lambda row: definition)
    monkeypatch.setattr(joint_review, "has_unanswered", lambda uow, nid, s: unanswered)
    apply = Recorder(cleared)
    result = joint_review.BEHAVIOUR.decide(
        None,  # type: ignore[arg-type]
        FakeNomination(),  # type: ignore[arg-type]
        FakeTask(),  # type: ignore[arg-type]
        answer,
        Actor("纪委", "department_reviewer", department="discipline"),
        NOW,
        apply,
    )
    assert apply.fired == fired
    assert (result is not None) == moved
    if result is not None:
        assert result.trigger == fired[-1]


@pytest.mark.parametrize("kind", [k for k in StageKind if k is not StageKind.JOINT_REVIEW])
def test_other_kinds_fire_the_answer_itself(kind: StageKind) -> None:
    apply = Recorder(cleared=True)
    registry.KINDS[kind].decide(
        None,  # type: ignore[arg-type]
        FakeNomination(),  # type: ignore[arg-type]
        FakeTask(),  # type: ignore[arg-type]
        "fail",
        Actor("王审核", "team_reviewer", department="working_team"),
        NOW,
        apply,
    )
    assert apply.fired == ["fail"]


def test_the_machine_takes_its_stage_edges_from_the_kinds() -> None:
    from workflow.machine import build_transitions

    specs = build_transitions(JIANGXI)
    for s in JIANGXI.stages:
        following = {e for e in specs if e.source in registry.KINDS[s.kind].states(s)}
        from_kind = set(registry.KINDS[s.kind].edges(s, _next(s)))
        assert from_kind <= following
        assert {e for e in following if e.trigger != "withdraw"} == from_kind


def _next(s: StageSpec) -> str:
    ids = [x.id for x in JIANGXI.stages]
    index = ids.index(s.id)
    return ids[index + 1] if index + 1 < len(ids) else ""


def test_transition_spec_is_the_machines() -> None:
    from workflow import machine

    assert machine.TransitionSpec is TransitionSpec
