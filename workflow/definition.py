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

from workflow.errors import DefinitionError
from workflow.facts import HONOUR_LEVELS

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
    rules: list[str] = Field(default_factory=list)
    return_days: int | None = Field(default=None, ge=1)
    routing: list[RouteSpec] = Field(default_factory=list)
    completion: CompletionSpec = CompletionSpec()
    objection_answer_days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _fits_kind(self) -> StageSpec:
        if any(r < 0 for r in self.reminders):
            raise ValueError("reminders are working days before the due date and cannot be negative")
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
    """Who submits and which eligibility rules run at submission."""

    actors: list[ActorSpec] = Field(default_factory=lambda: [ActorSpec(role="unit_clerk")])
    rules: list[str] = Field(default_factory=list)


class AlternatesSpec(Strict):
    step_up: bool = True
    step_up_on: list[Literal["withdrawn", "vetoed", "removed", "disqualified"]] = Field(
        default_factory=lambda: ["withdrawn", "vetoed", "removed"]
    )


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


def _check_consistency(d: Definition) -> None:
    """Cross-field checks that pydantic's per-field validation cannot express."""
    from workflow.rules.composition import parse_composition_rules
    from workflow.rules.eligibility import parse_rule_params

    if d.honour_level not in HONOUR_LEVELS:
        raise ValueError(f"honour_level must be one of {', '.join(HONOUR_LEVELS)}")
    ids = [s.id for s in d.stages]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"stage ids must be unique; repeated: {', '.join(duplicates)}")
    if d.stages[-1].kind is not StageKind.COMMITTEE_DECISION:
        raise ValueError("the last stage must be of kind committee_decision")
    for name, params in d.eligibility.items():
        parse_rule_params(name, params)
    for where, rules in [("submission", d.submission.rules)] + [(s.id, s.rules) for s in d.stages]:
        unknown = [r for r in rules if r not in d.eligibility]
        if unknown:
            raise ValueError(f"{where} names rules not configured under 'eligibility': {unknown}")
    from workflow.routing import FACT_FIELDS

    for stage in d.stages:
        for route in stage.routing:
            unknown_fields = sorted(set(route.when) - FACT_FIELDS)
            if unknown_fields:
                raise ValueError(f"stage {stage.id} routes on unknown fields {unknown_fields}")
            missing = [dep for dep in route.departments if dep not in d.departments]
            if missing:
                raise ValueError(f"stage {stage.id} routes to unknown departments {missing}")
    parse_composition_rules(d.composition)


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
    lines = []
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        lines.append(f"{source}: {path}: {message}")
    return "\n".join(lines)
