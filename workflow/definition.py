"""The workflow definition format: YAML an administrator writes, validated before use."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from config.catalogue import Label, Listing, Message, msg, render
from workflow.errors import DefinitionError
from workflow.facts import HONOUR_LEVELS
from workflow.problems import Problem
from workflow.rules.unit_rules import UnitRules

IDENTIFIER = r"^[a-z][a-z0-9_]*$"


def _kind(kind: StageKind | str) -> Label:
    return Label("stage_kind", str(kind))


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
            raise Problem(msg("definition.quorum_needs_n", rule="quorum", key="quorum"))
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
            raise Problem(msg("definition.reminder_negative"))
        if self.duration_days is not None and any(r >= self.duration_days for r in self.reminders):
            raise Problem(msg("definition.reminder_too_late", days=self.duration_days))
        joint = self.kind is StageKind.JOINT_REVIEW
        if joint and not self.routing:
            raise Problem(msg("definition.needs_key", kind=_kind(self.kind), key="routing"))
        if not joint and self.routing:
            only = _kind(StageKind.JOINT_REVIEW)
            problem = msg(
                "definition.only_for_kind", key="routing", allowed=only, kind=_kind(self.kind)
            )
            raise Problem(problem)
        if self.kind is StageKind.PUBLIC_NOTICE and self.duration_days is None:
            raise Problem(msg("definition.needs_key", kind=_kind(self.kind), key="duration_days"))
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

    def __init__(self, problems: list[tuple[str, Message]]) -> None:
        super().__init__("; ".join(f"{path}: {render(m, 'en')}" for path, m in problems))
        self.problems = problems


def _plain(exc: Exception) -> Message:
    """A rule module's own problem (a Problem's Message, else its text as it is)."""
    return exc.message if isinstance(exc, Problem) else msg("text.plain", text=str(exc))


def _nested(prefix: str, exc: ValidationError) -> KeyProblem:
    """Re-root a nested model's validation errors under the definition key they came from."""
    return KeyProblem(
        [(".".join([prefix, *(str(part) for part in e["loc"])]), _message(e)) for e in exc.errors()]
    )


def _check_consistency(d: Definition) -> None:
    """Cross-field checks that pydantic's per-field validation cannot express."""
    if d.honour_level not in HONOUR_LEVELS:
        levels = Listing(tuple(Label("vocab.honour_level", x) for x in HONOUR_LEVELS), "or")
        raise KeyProblem([("honour_level", msg("definition.must_be_one_of", allowed=levels))])
    ids = [s.id for s in d.stages]
    for index, stage_id in enumerate(ids):
        if stage_id in ids[:index]:
            problem = msg("definition.stage_repeated", stage=stage_id)
            raise KeyProblem([(f"stages.{index}.id", problem)])
    if d.stages[-1].kind is not StageKind.COMMITTEE_DECISION:
        where = f"stages.{len(d.stages) - 1}.kind"
        problem = msg("definition.last_not_committee", kind=_kind(StageKind.COMMITTEE_DECISION))
        raise KeyProblem([(where, problem)])
    _check_rules(d)
    _check_routing(d)
    from workflow.rules.composition import parse_composition_rules

    try:
        parse_composition_rules(d.composition)
    except ValidationError as exc:
        raise _nested("composition", exc) from None
    except ValueError as exc:
        raise KeyProblem([("composition", _plain(exc))]) from None


def _check_rules(d: Definition) -> None:
    from workflow.rules.eligibility import parse_rule_params

    for name, params in d.eligibility.items():
        try:
            parse_rule_params(name, params)
        except ValueError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise _nested(f"eligibility.{name}", exc.__cause__) from None
            raise KeyProblem([(f"eligibility.{name}", _plain(exc))]) from None
    places = [("submission.rules", d.submission.rules)]
    places += [(f"stages.{i}.rules", s.rules) for i, s in enumerate(d.stages)]
    for where, rules in places:
        unknown = [r for r in rules if r not in d.eligibility]
        if unknown:
            rules_ = Listing(tuple(Label("rule", r) for r in unknown))
            message = msg("definition.rules_not_configured", section="eligibility", rules=rules_)
            raise KeyProblem([(where, message)])


def _check_routing(d: Definition) -> None:
    from workflow.routing import FACT_FIELDS

    for i, stage in enumerate(d.stages):
        for j, route in enumerate(stage.routing):
            where = f"stages.{i}.routing.{j}"
            unknown_fields = sorted(set(route.when) - FACT_FIELDS)
            if unknown_fields:
                fields = Listing(tuple(unknown_fields))
                message = msg("definition.routes_unknown_fields", stage=stage.id, fields=fields)
                raise KeyProblem([(f"{where}.when", message)])
            missing = [dep for dep in route.departments if dep not in d.departments]
            if missing:
                message = msg(
                    "definition.routes_unknown_departments",
                    stage=stage.id,
                    departments=Listing(tuple(missing)),
                )
                raise KeyProblem([(f"{where}.departments", message)])


def checksum(raw: Mapping[str, Any]) -> str:
    """A stable digest of a definition's content, independent of key order and layout."""
    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_definition(raw: Any, source: str = "<definition>") -> Definition:
    """Validate a mapping as a definition; errors name the source, key path and problem."""
    if not isinstance(raw, Mapping):
        raise _refused(source, [(None, msg("definition.top_level_mapping"))])
    try:
        return Definition.model_validate(dict(raw))
    except ValidationError as exc:
        raise _refused(source, _describe(exc)) from None


def load_definition_text(text: str, source: str) -> tuple[Definition, dict[str, Any]]:
    """Parse YAML text into a validated definition and the raw mapping it came from."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = (
            msg("definition.not_yaml", line=mark.line + 1, column=mark.column + 1)
            if mark is not None
            else msg("definition.not_yaml_at_all")
        )
        raise _refused(source, [(None, problem)]) from None
    definition = parse_definition(raw, source)
    return definition, dict(raw)


def load_definition_file(path: Path) -> tuple[Definition, dict[str, Any]]:
    """Read and validate a definition file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise _refused(str(path), [(None, msg("definition.cannot_read"))]) from None
    return load_definition_text(text, str(path))


def _refused(source: str, problems: list[tuple[str | None, Message]]) -> DefinitionError:
    """The error naming the file, the key path (when there is one) and each problem."""
    lines = tuple(
        msg("definition.problem_at", source=source, path=path, problem=problem)
        if path
        else msg("definition.problem_in", source=source, problem=problem)
        for path, problem in problems
    )
    return DefinitionError(msg("text.plain", text=Listing(lines, "lines")))


def _describe(exc: ValidationError) -> list[tuple[str | None, Message]]:
    found: list[tuple[str | None, Message]] = []
    for error in exc.errors():
        problem = error.get("ctx", {}).get("error")
        if isinstance(problem, KeyProblem):
            # A cross-field check names its own key paths, not the definition as a whole.
            found.extend(problem.problems)
            continue
        path = ".".join(str(part) for part in error["loc"])
        found.append((path or None, _message(error)))
    return found


# pydantic's error types and the words the catalogue has for them.
_TYPES = {
    "extra_forbidden": "definition.unknown_key",
    "missing": "definition.required",
    "int_type": "definition.not_integer",
    "int_parsing": "definition.not_integer",
    "int_from_float": "definition.not_integer",
    "dict_type": "definition.not_mapping",
    "list_type": "definition.not_list",
    "string_type": "definition.not_text",
    "bool_type": "definition.not_bool",
    "bool_parsing": "definition.not_bool",
    "float_type": "definition.not_number",
    "float_parsing": "definition.not_number",
}
_LIMITS = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
}


def _message(error: ErrorDetails) -> Message:
    kind, ctx = error["type"], error.get("ctx", {})
    problem = ctx.get("error")
    if isinstance(problem, Problem):
        return problem.message
    if kind in _TYPES:
        return msg(_TYPES[kind])
    if kind in _LIMITS:
        return msg(f"definition.{_LIMITS[kind]}", limit=ctx.get(_LIMITS[kind]))
    if kind in ("literal_error", "enum"):
        return msg("definition.one_of", allowed=_choices(str(ctx.get("expected", ""))))
    if kind == "union_tag_invalid":
        allowed = _choices(str(ctx.get("expected_tags", "")))
        return msg("definition.bad_tag", tag=ctx.get("tag"), allowed=allowed)
    if kind == "string_pattern_mismatch":
        return msg("definition.pattern", pattern=ctx.get("pattern"))
    if kind == "value_error":  # a rule module's own check, not yet a Problem
        return msg("text.plain", text=error["msg"].removeprefix("Value error, "))
    return msg("definition.invalid")


def _choices(expected: str) -> Listing:
    """pydantic's "'a', 'b' or 'c'" as a list shown the reader's way."""
    return Listing(tuple(re.findall(r"'([^']*)'", expected)), "or")
