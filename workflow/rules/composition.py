"""Composition rules (结构比例): shares, control numbers and coverage over a list of nominees.

Rules are data an administrator writes in YAML; they are validated here before use.
Shares are compared as exact fractions so a list sitting on a boundary passes.

Each result has a status: `met`, `missed`, or `not_evaluated` when the measure means nothing
(a share of an empty list or of an empty base group), with its `reason` (`empty_list`,
`empty_base`); a rule that was not evaluated is never counted as met. A control number over
an empty list is met (nobody cannot exceed a ceiling); a coverage rule over it is missed.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import InitVar, dataclass
from datetime import date
from fractions import Fraction
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    model_validator,
)

from config.catalogue import DEFAULT, Label, Listing, Message, msg, render
from workflow.facts import NomineeFacts
from workflow.problems import Problem
from workflow.rules.composition_groups import GroupSelector, everyone
from workflow.vocabulary import Vocabularies, active, using

__all__ = [
    "CompositionResult",
    "CompositionRule",
    "CompositionTally",
    "CompositionVerdicts",
    "ControlNumberRule",
    "CoverageRule",
    "GroupSelector",  # re-exported: rules and callers name groups from here
    "Reason",
    "ShareRule",
    "Status",
    "evaluate_composition",
    "list_status",
    "parse_composition_rules",
    "status_words",
]

Status = Literal["met", "missed", "not_evaluated"]
Reason = Literal["empty_list", "empty_base"]  # why a rule was not evaluated


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    label: str = Field(min_length=1)
    group: GroupSelector


class ShareRule(_Rule):
    """The group's share of the base must lie within [min_share, max_share]."""

    kind: Literal["share"]
    base: GroupSelector = Field(default_factory=everyone)
    min_share: float | None = Field(default=None, ge=0, le=1)
    max_share: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _bounds(self) -> ShareRule:
        if self.min_share is None and self.max_share is None:
            keys = Listing(("min_share", "max_share"), "or")
            raise Problem(msg("definition.share_needs_bound", rule=self.id, keys=keys))
        if (
            self.min_share is not None
            and self.max_share is not None
            and self.min_share > self.max_share
        ):
            crossed = msg(
                "definition.share_bounds_crossed", rule=self.id, low="min_share", high="max_share"
            )
            raise Problem(crossed)
        return self


class ControlNumberRule(_Rule):
    """At most max_count group members on the list (or per recommending unit)."""

    kind: Literal["control_number"]
    max_count: int = Field(ge=0)
    per_unit: bool = False


class CoverageRule(_Rule):
    """At least min_count group members on the list."""

    kind: Literal["coverage"]
    min_count: int = Field(default=1, ge=1)


CompositionRule = Annotated[
    ShareRule | ControlNumberRule | CoverageRule, Field(discriminator="kind")
]
_RULES_ADAPTER: TypeAdapter[list[CompositionRule]] = TypeAdapter(list[CompositionRule])


def parse_composition_rules(
    raw: Sequence[Mapping[str, Any]], vocabularies: Vocabularies | None = None
) -> list[CompositionRule]:
    """Validate rule data (e.g. loaded from YAML); ValueError on bad data or repeated ids.

    Codes are read with `vocabularies` (a definition's own codes and terms) when given, else
    with the ones in use (`workflow.vocabulary.active`).
    """
    with using(vocabularies or active()):
        rules = _RULES_ADAPTER.validate_python(raw)
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise Problem(msg("definition.composition_id_repeated", rule=rule.id))
        seen.add(rule.id)
    return rules


@dataclass(frozen=True)
class CompositionResult:
    """How a list measures against one rule, with the figures behind the verdict."""

    rule_id: str
    label: str
    kind: str
    value: float
    count: int
    base_count: int
    bound: str  # the bound as a code for machines (API, --json): ">= 55.0%", "<= 3"
    slack: float
    people_short: int
    status: Status
    verdict: InitVar[Message]  # the verdict with its figures (composition.* in the catalogue)
    reason: Reason | None = None  # set only when not evaluated
    # The bound as people write it (不低于55.0%, 不超过3人); the code itself if not given.
    bound_said: InitVar[Message | None] = None
    ok: bool = dataclasses.field(init=False)  # status == "met", kept for asdict() readers
    detail: str = dataclasses.field(init=False)  # the verdict in Chinese, for reports and the audit
    bound_words: str = dataclasses.field(init=False)  # the bound in Chinese, likewise
    # Kept off the fields so asdict() (reports, the API) gives plain rows: codes and words.
    _message: ClassVar[Message]
    _bound_message: ClassVar[Message]

    def __post_init__(self, verdict: Message, bound_said: Message | None) -> None:
        if (self.status == "not_evaluated") != (self.reason is not None):
            raise ValueError(f"{self.rule_id}: a reason goes with not_evaluated, and only with it")
        said = bound_said or msg("composition.bound.as_code", bound=self.bound)
        object.__setattr__(self, "ok", self.status == "met")
        object.__setattr__(self, "_message", verdict)
        object.__setattr__(self, "_bound_message", said)
        object.__setattr__(self, "detail", render(verdict, DEFAULT))
        object.__setattr__(self, "bound_words", render(said, DEFAULT))

    @property
    def message(self) -> Message:
        """The verdict as a code and figures."""
        return self._message

    @property
    def status_message(self) -> Message:
        """The status in words: 达标, 未达标, or 未评估 with its reason."""
        return status_words(self.status, self.reason)

    @property
    def bound_message(self) -> Message:
        """The bound in words, as a code and figures."""
        return self._bound_message

    def text(self, locale: str = DEFAULT) -> str:
        """The verdict in a locale."""
        return render(self._message, locale)


def status_words(status: str, reason: str | None = None) -> Message:
    """A status (and the reason a rule was not evaluated) as one Message."""
    if reason is not None:
        return msg(
            "composition.not_evaluated_because",
            status=Label("composition.status", status),
            reason=Label("composition.reason", reason),
        )
    return msg(f"composition.status.{status}")


class CompositionVerdicts:
    """What a list's results mean for the committee (mixed into the decision's plan and its
    preview, which both hold `composition`): a missed rule needs an override, a rule not
    evaluated is shown but needs none, since it cannot be missed."""

    composition: list[CompositionResult]

    @property
    def missed(self) -> list[CompositionResult]:
        """The composition rules the list misses."""
        return [r for r in self.composition if r.status == "missed"]

    @property
    def not_evaluated(self) -> list[CompositionResult]:
        """The rules that mean nothing over the list (a share of an empty list or base)."""
        return [r for r in self.composition if r.status == "not_evaluated"]

    @property
    def needs_override(self) -> bool:
        """Whether the decision needs an override reason (a rule is missed)."""
        return bool(self.missed)


def list_status(statuses: Sequence[str]) -> Status:
    """The list's status: missed if any rule is missed, else not_evaluated if any rule was not
    evaluated, else met (a list with no rules meets them all)."""
    if "missed" in statuses:
        return "missed"
    return "not_evaluated" if "not_evaluated" in statuses else "met"


def evaluate_composition(
    rules: Sequence[CompositionRule], members: Iterable[NomineeFacts], on: date | None = None
) -> list[CompositionResult]:
    """Measure the list against every rule, in rule order; ages are counted on `on` (the
    campaign's reference date), and a rule whose groups select on age refuses `on=None`."""
    tally = CompositionTally(rules, on)
    for member in members:
        tally.add(member)
    return tally.results()


class CompositionTally:
    """The counts every rule needs, kept member by member, so a list is measured as it is
    read and none of it is held (memory grows with the units, never with the list)."""

    def __init__(self, rules: Sequence[CompositionRule], on: date | None) -> None:
        for rule in rules:
            rule.group.require_date(on)  # refused even over an empty list: the rule is at fault
            if isinstance(rule, ShareRule):
                rule.base.require_date(on)
        self.rules, self.on = list(rules), on
        self.members = 0
        self.in_base = [0] * len(self.rules)  # share rules: members of the base
        self.in_group = [0] * len(self.rules)  # group members (within the base, for shares)
        self.unit_sizes: Counter[str] = Counter()
        self.per_unit: list[Counter[str]] = [Counter() for _ in self.rules]

    def add(self, member: NomineeFacts) -> None:
        """Count one member of the list."""
        self.members += 1
        self.unit_sizes[member.recommending_unit] += 1
        for i, rule in enumerate(self.rules):
            if isinstance(rule, ShareRule) and not rule.base.matches(member, self.on):
                continue
            self.in_base[i] += 1
            if rule.group.matches(member, self.on):
                self.in_group[i] += 1
                self.per_unit[i][member.recommending_unit] += 1

    def results(self) -> list[CompositionResult]:
        """Every rule's result over the members counted so far, in rule order."""
        results: list[CompositionResult] = []
        for i, rule in enumerate(self.rules):
            if isinstance(rule, ShareRule):
                results.append(_share_result(rule, self.in_group[i], self.in_base[i], self.members))
            elif isinstance(rule, ControlNumberRule):
                results.append(_control_result(rule, self.in_group[i], self.members,
                                               self.per_unit[i], self.unit_sizes))  # fmt: skip
            else:
                results.append(_coverage_result(rule, self.in_group[i], self.members))
        return results


def _status(met: bool) -> Status:
    return "met" if met else "missed"


def _exact(share: float) -> Fraction:
    # Via the shortest repr: Fraction(0.55) would be a hair above 11/20 and fail 55 of 100.
    return Fraction(repr(share))


def _pct(share: Fraction) -> str:
    tenths = share * 1000
    digits = 1 if tenths.denominator == 1 else 2
    return f"{float(share * 100):.{digits}f}%"


def _min_share_short(count: int, base: int, minimum: Fraction) -> int:
    """Fewest group members to add (joining the base too) to reach the minimum."""
    if minimum >= 1:
        # Adding cannot reach 100%; the honest figure is the non-group members in the base.
        return base - count
    return max(0, math.ceil((minimum * base - count) / (1 - minimum)))


def _max_share_over(count: int, base: int, maximum: Fraction) -> int:
    """Fewest group members to remove (leaving the base too) to get under the maximum."""
    return max(0, math.ceil((count - maximum * base) / (1 - maximum))) if maximum < 1 else 0


def _share_figures(rule: ShareRule, count: int, base: int) -> tuple[Fraction, int, list[Message]]:
    """Slack (share points), people short and failure phrases for a non-empty base."""
    share = Fraction(count, base)
    slacks: list[Fraction] = []
    short = 0
    failures: list[Message] = []
    if rule.min_share is not None:
        minimum = _exact(rule.min_share)
        slacks.append(share - minimum)
        if share < minimum:
            short = _min_share_short(count, base, minimum)
            failures.append(msg("composition.below_min", minimum=_pct(minimum), short=short))
    if rule.max_share is not None:
        maximum = _exact(rule.max_share)
        slacks.append(maximum - share)
        if share > maximum:
            short = _max_share_over(count, base, maximum)
            failures.append(msg("composition.above_max", maximum=_pct(maximum), over=short))
    return min(slacks), short, failures


def _share_bound(rule: ShareRule) -> tuple[str, Message]:
    """A share rule's bound as a code (">= 55.0%, <= 70.0%") and in words (55.0%至70.0%)."""
    low = None if rule.min_share is None else _pct(_exact(rule.min_share))
    high = None if rule.max_share is None else _pct(_exact(rule.max_share))
    code = ", ".join([*([f">= {low}"] if low else []), *([f"<= {high}"] if high else [])])
    if low and high:
        return code, msg("composition.bound.share_between", minimum=low, maximum=high)
    if low:
        return code, msg("composition.bound.share_min", share=low)
    return code, msg("composition.bound.share_max", share=high)


def _share_result(rule: ShareRule, count: int, base_count: int, members: int) -> CompositionResult:
    bound, said = _share_bound(rule)
    if base_count == 0:
        # A share of nobody means nothing: not evaluated, never met.
        reason: Reason = "empty_list" if not members else "empty_base"
        detail = msg(f"composition.{reason}", label=rule.label, base=rule.base.describe())
        return CompositionResult(
            rule.id, rule.label, rule.kind, 0.0, 0, 0, bound, 0.0, 0, "not_evaluated", detail,
            reason, said,
        )  # fmt: skip
    slack, short, failures = _share_figures(rule, count, base_count)
    share = Fraction(count, base_count)
    figures = msg(
        "composition.share",
        group=rule.group.describe(),
        base=rule.base.describe(),
        count=count,
        base_count=base_count,
        share=_pct(share),
    )
    verdict: Listing | Message = (
        Listing(tuple(failures), "and") if failures else msg("composition.within", bound=said)
    )
    detail = msg("composition.verdict", label=rule.label, figures=figures, verdict=verdict)
    return CompositionResult(
        rule.id, rule.label, rule.kind, float(share), count, base_count, bound,
        float(slack), short, _status(not failures), detail, bound_said=said,
    )  # fmt: skip


def _control_result(
    rule: ControlNumberRule,
    count: int,
    members: int,
    per_unit: Counter[str],
    unit_sizes: Counter[str],
) -> CompositionResult:
    bound, said = f"<= {rule.max_count}", msg("composition.bound.count_max", count=rule.max_count)
    what = rule.group.describe()
    if not rule.per_unit:
        over = max(0, count - rule.max_count)
        verdict = (
            msg("composition.control_over", over=over) if over else msg("composition.control_ok")
        )
        figures = msg("composition.counted", count=count, group=what, bound=said)
        detail = msg("composition.verdict", label=rule.label, figures=figures, verdict=verdict)
        return CompositionResult(
            rule.id, rule.label, rule.kind, float(count), count, members, bound,
            float(rule.max_count - count), over, _status(over == 0), detail, bound_said=said,
        )  # fmt: skip
    # Worst unit first; ties broken by unit name so the message is stable.
    worst, count = min(per_unit.items(), key=lambda kv: (-kv[1], kv[0]), default=("", 0))
    over_units = {u: c - rule.max_count for u, c in sorted(per_unit.items()) if c > rule.max_count}
    over = sum(over_units.values())
    if over_units:
        listing = tuple(f"{u} {per_unit[u]}" for u in over_units)
        verdict = msg(
            "composition.per_unit_over", bound=said, units=Listing(listing, "and"), over=over
        )
    else:
        verdict = msg("composition.per_unit_ok", bound=said)
    worst_unit: Any = worst or msg("composition.no_unit")
    figures = msg("composition.worst_unit", unit=worst_unit, count=count, group=what)
    detail = msg("composition.per_unit", label=rule.label, figures=figures, verdict=verdict)
    return CompositionResult(
        rule.id, rule.label, rule.kind, float(count), count, unit_sizes.get(worst, 0), bound,
        float(rule.max_count - count), over, _status(over == 0), detail, bound_said=said,
    )  # fmt: skip


def _coverage_result(rule: CoverageRule, count: int, members: int) -> CompositionResult:
    bound, said = f">= {rule.min_count}", msg("composition.bound.count_min", count=rule.min_count)
    short = max(0, rule.min_count - count)
    verdict = msg("composition.short", short=short) if short else msg("composition.covered")
    figures = msg("composition.counted", count=count, group=rule.group.describe(), bound=said)
    detail = msg("composition.verdict", label=rule.label, figures=figures, verdict=verdict)
    return CompositionResult(
        rule.id, rule.label, rule.kind, float(count), count, members, bound,
        float(count - rule.min_count), short, _status(short == 0), detail, bound_said=said,
    )  # fmt: skip
