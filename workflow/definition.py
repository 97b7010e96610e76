"""The workflow definition format: YAML an administrator writes, validated before use."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from workflow.errors import DefinitionError
from workflow.facts import HONOUR_LEVELS
from workflow.rules.unit_rules import UnitRules

IDENTIFIER = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    """Base for every definition section: unknown keys are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class StageKind(StrEnum):
    TEAM_REVIEW = "team_review"
    JOINT_REVIEW = "joint_review"
    INSPECTION = "inspection"
    PUBLIC_NOTICE = "public_notice"
    COMMITTEE_DECISION = "committee_decision"


class ActorSpec(Strict):
    """Who may act: a role, optionally limited to one department or team."""

    role: str
    department: str | None = None


class CompletionSpec(Strict):
    """How a parallel review completes: every department clears, or a quorum clears."""

    rule: Literal["all_clear", "quorum"] = "all_clear"
    quorum: int | None = Field(default=None, ge=1)
    # Under "all_clear" one objection vetoes; under "quorum" objections only count against it.

    @model_validator(mode="after")
    def _quorum_given(self) -> CompletionSpec:
        if self.rule == "quorum" and self.quorum is None:
            raise ValueError("completion rule 'quorum' needs 'quorum: N'")
        return self


class RouteSpec(Strict):
    """Send nominees matching `when` (field -> value or list) to these departments."""

    when: dict[str, Any] = Field(default_factory=dict)
    departments: list[str] = Field(min_length=1)


class StageSpec(Strict):
    """One stage of the procedure, in the order the definition lists them."""

    id: str = Field(pattern=IDENTIFIER)
    kind: StageKind
    title: str
    actors: list[ActorSpec] = Field(min_length=1)
    duration_days: int | None = Field(default=None, ge=1)
    reminders: list[int] = Field(default_factory=list)
    escalate_to: str | None = None
    escalation_repeat_days: int | None = Field(default=None, ge=1)
    # On escalation, take a claimed task back from its reviewer into the department's queue.
    escalation_reassign: bool = False
    rules: list[str] = Field(default_factory=list)
    return_days: int | None = Field(default=None, ge=1)
    routing: list[RouteSpec] = Field(default_factory=list)
    completion: CompletionSpec = CompletionSpec()
    objection_answer_days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _fits_kind(self) -> StageSpec:
        if any(r < 0 for r in self.reminders):
            raise ValueError(
                "reminders are working days before the due date and cannot be negative"
            )
        if self.duration_days is not None and any(r >= self.duration_days for r in self.reminders):
            raise ValueError(
                f"a reminder offset must be shorter than the stage's {self.duration_days} days"
            )
        joint = self.kind is StageKind.JOINT_REVIEW
        if joint and not self.routing:
            raise ValueError("a joint_review stage needs 'routing'")
        if not joint and self.routing:
            raise ValueError(f"'routing' only applies to joint_review, not {self.kind.value}")
        if self.kind is StageKind.PUBLIC_NOTICE and self.duration_days is None:
            raise ValueError("a public_notice stage needs 'duration_days'")
        return self


class DepartmentSpec(Strict):
    name: str
    email: str | None = None
    lead_email: str | None = None


class SubmissionSpec(Strict):
    """Who submits, which eligibility rules run at submission, and the unit rules."""

    actors: list[ActorSpec] = Field(default_factory=lambda: [ActorSpec(role="unit_clerk")])
    rules: list[str] = Field(default_factory=list)
    unit_rules: UnitRules = UnitRules()


LeavingState = Literal["withdrawn", "vetoed", "removed", "disqualified"]


def _usual_leaving_states() -> list[LeavingState]:
    return ["withdrawn", "vetoed", "removed"]


class AlternatesSpec(Strict):
    step_up: bool = True
    step_up_on: list[LeavingState] = Field(default_factory=_usual_leaving_states)


class Definition(Strict):
    """A whole workflow definition."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str
    honour: str
    honour_level: str
    departments: dict[str, DepartmentSpec]
    submission: SubmissionSpec = SubmissionSpec()
    stages: list[StageSpec] = Field(min_length=1)
    eligibility: dict[str, dict[str, Any] | None] = Field(default_factory=dict)
    composition: list[dict[str, Any]] = Field(default_factory=list)
    alternates: AlternatesSpec = AlternatesSpec()

    @model_validator(mode="after")
    def _consistent(self) -> Definition:
        _check_consistency(self)
        return self

    def stage(self, stage_id: str) -> StageSpec:
        """The stage with this id."""
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def stage_of_state(self, state: str) -> StageSpec | None:
        """The stage a state belongs to (its own state or its 'returned' state)."""
        for stage in self.stages:
            if state in (stage.id, f"{stage.id}_returned"):
                return stage
        return None


class KeyProblem(ValueError):
    """A cross-field problem found at one or more key paths of the definition."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


def _nested(prefix: str, exc: ValidationError) -> KeyProblem:
    """Re-root a nested model's validation errors under the definition key they came from."""
    return KeyProblem(
        [(".".join([prefix, *(str(part) for part in e["loc"])]), _message(e)) for e in exc.errors()]
    )


def _check_consistency(d: Definition) -> None:
    """Cross-field checks that pydantic's per-field validation cannot express."""
    if d.honour_level not in HONOUR_LEVELS:
        raise KeyProblem([("honour_level", f"must be one of {', '.join(HONOUR_LEVELS)}")])
    ids = [s.id for s in d.stages]
    for index, stage_id in enumerate(ids):
        if stage_id in ids[:index]:
            raise KeyProblem([(f"stages.{index}.id", f"stage id '{stage_id}' is repeated")])
    if d.stages[-1].kind is not StageKind.COMMITTEE_DECISION:
        where = f"stages.{len(d.stages) - 1}.kind"
        raise KeyProblem([(where, "the last stage must be of kind committee_decision")])
    _check_rules(d)
    _check_routing(d)
    from workflow.rules.composition import parse_composition_rules

    try:
        parse_composition_rules(d.composition)
    except ValidationError as exc:
        raise _nested("composition", exc) from None
    except ValueError as exc:
        raise KeyProblem([("composition", str(exc))]) from None


def _check_rules(d: Definition) -> None:
    from workflow.rules.eligibility import parse_rule_params

    for name, params in d.eligibility.items():
        try:
            parse_rule_params(name, params)
        except ValueError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise _nested(f"eligibility.{name}", exc.__cause__) from None
            raise KeyProblem([(f"eligibility.{name}", str(exc))]) from None
    places = [("submission.rules", d.submission.rules)]
    places += [(f"stages.{i}.rules", s.rules) for i, s in enumerate(d.stages)]
    for where, rules in places:
        unknown = [r for r in rules if r not in d.eligibility]
        if unknown:
            message = f"names rules not configured under 'eligibility': {unknown}"
            raise KeyProblem([(where, message)])


def _check_routing(d: Definition) -> None:
    from workflow.routing import FACT_FIELDS

    for i, stage in enumerate(d.stages):
        for j, route in enumerate(stage.routing):
            where = f"stages.{i}.routing.{j}"
            unknown_fields = sorted(set(route.when) - FACT_FIELDS)
            if unknown_fields:
                message = f"stage {stage.id} routes on unknown fields {unknown_fields}"
                raise KeyProblem([(f"{where}.when", message)])
            missing = [dep for dep in route.departments if dep not in d.departments]
            if missing:
                message = f"stage {stage.id} routes to unknown departments {missing}"
                raise KeyProblem([(f"{where}.departments", message)])


def checksum(raw: Mapping[str, Any]) -> str:
    """A stable digest of a definition's content, independent of key order and layout."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_definition(raw: Any, source: str = "<definition>") -> Definition:
    """Validate a mapping as a definition; errors name the source, key path and problem."""
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{source}: the top level must be a mapping of keys")
    try:
        return Definition.model_validate(dict(raw))
    except ValidationError as exc:
        raise DefinitionError(_describe(exc, source)) from None


def load_definition_text(text: str, source: str) -> tuple[Definition, dict[str, Any]]:
    """Parse YAML text into a validated definition and the raw mapping it came from."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{source}: not valid YAML: {exc}") from None
    definition = parse_definition(raw, source)
    return definition, dict(raw)


def load_definition_file(path: Path) -> tuple[Definition, dict[str, Any]]:
    """Read and validate a definition file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read: {exc.strerror}") from None
    return load_definition_text(text, str(path))


def _describe(exc: ValidationError, source: str) -> str:
    lines: list[str] = []
    for error in exc.errors():
        problem = error.get("ctx", {}).get("error")
        if isinstance(problem, KeyProblem):
            # A cross-field check names its own key paths, not the definition as a whole.
            lines.extend(f"{source}: {path}: {message}" for path, message in problem.problems)
            continue
        path = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"{source}: {path}: {_message(error)}")
    return "\n".join(lines)


def _message(error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key"
    return error["msg"].removeprefix("Value error, ")
