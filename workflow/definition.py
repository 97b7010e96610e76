"""The workflow definition format: YAML an administrator writes, validated before use."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    model_validator,
)

from config.catalogue import Label, Listing, Message, msg
from workflow.definition_problems import describe_error
from workflow.facts import HONOUR_LEVELS
from workflow.problems import KeyProblem, Problem
from workflow.rules.composition_groups import GroupSelector, everyone
from workflow.rules.unit_rules import UnitRules
from workflow.vocabulary import SHIPPED, Vocabularies, using
from workflow.vocabulary_spec import Implication, own_vocabularies

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
    # Its reviewers' checks need the identity number (police, discipline): shown, and audited.
    sees_id_number: bool = False


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


class TitleRule(Strict):
    """拟授称号: the title the nominees of a group are put forward for."""

    title: str = Field(min_length=1, max_length=100)
    group: GroupSelector = Field(default_factory=everyone)


class DocumentsSpec(Strict):
    """How the documents a round publishes are laid out (the notice, the final list)."""

    # 公示 and 表彰名单 are grouped by recommending unit (设区市, 省直单位) or by category.
    group_by: Literal["unit", "category"] = "unit"
    # The titles awarded, the first whose group a nominee matches (`workflow.honour_titles`);
    # the final list lists each title's honourees apart, in this order. None: the honour.
    titles: list[TitleRule] = Field(default_factory=list, max_length=20)


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
    documents: DocumentsSpec = DocumentsSpec()
    # The province's own codes and its forms' terms (workflow.vocabulary_spec), and the values
    # a code implies; every selector and rule of the definition reads codes through them.
    vocabulary: dict[str, Any] = Field(default_factory=dict)
    implies: list[Implication] = Field(default_factory=list, max_length=50)
    _vocabularies: Vocabularies = PrivateAttr(default=SHIPPED)

    @model_validator(mode="wrap")
    @classmethod
    def _with_own_vocabulary(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # The vocabularies come first: the selectors and rules below are checked against them.
        section = data.get("vocabulary") if isinstance(data, dict) else None
        vocabularies = own_vocabularies(section)
        with using(vocabularies):
            definition = handler(data)
            _check_consistency(definition)
        definition._vocabularies = vocabularies
        return definition

    @property
    def vocabularies(self) -> Vocabularies:
        """The shipped vocabularies with this definition's own codes and terms."""
        return self._vocabularies

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


def _plain(exc: Exception) -> Message:
    """A rule module's own problem (a Problem's Message, else its text as it is)."""
    return exc.message if isinstance(exc, Problem) else msg("text.plain", text=str(exc))


def _nested(prefix: str, exc: ValidationError, tags: Collection[str] = ()) -> KeyProblem:
    """Re-root a nested model's validation errors under the definition key they came from.

    `tags` are a list of tagged unions' tags (a composition rule's kind), which pydantic puts
    after the item's index; they are left out so the path is the file's (composition.3.group)."""

    def path(loc: tuple[int | str, ...]) -> str:
        parts = [str(p) for i, p in enumerate(loc) if not (i == 1 and p in tags)]
        return ".".join([prefix, *parts])

    return KeyProblem([(path(e["loc"]), describe_error(e)) for e in exc.errors()])


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
    from workflow.rules.composition_edit import KINDS

    try:
        parse_composition_rules(d.composition)
    except ValidationError as exc:
        raise _nested("composition", exc, KINDS) from None
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
