"""Groups of nominees a composition rule selects: field -> condition, validated, described.

Each field of a selector takes one condition; every field must hold (AND):
  value, [v1, v2], {in: ...}   the field is any of the values
  {not: value-or-list}         the field is none of the values
  {min: N} {max: N} {under: N} N <= field, field <= N, field < N (whole-number fields and `age`)
Operators combine: `{min: 18, under: 35}` holds when all of them do. `age` is computed: the
whole years completed on the reference date (the campaign's `reference_date`), so a selector
on age is matched with `matches(facts, on=day)`. Stored rules keep a normal form: a list for
"any of", else a mapping of operators in the order above (`workflow.rules.composition_edit`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import RootModel, ValidationError, field_validator
from pydantic_core import InitErrorDetails

from config.catalogue import Label, Listing, Message, msg
from workflow import vocabulary
from workflow.facts import NomineeFacts
from workflow.problems import Problem
from workflow.rules.composition_fields import (
    AGE,
    FIELDS,
    LISTS,
    OPERATORS,
    holds,
    numeric,
    operators_for,
    value_of,
)

# A field's normal condition: the values it may take, or operator -> operand.
Condition = list[Any] | dict[str, Any]


def _vocab_for(field: str) -> vocabulary.Vocabulary | None:
    """The vocabulary of a field, if it has one: selector values may be codes, labels or terms
    of it — the definition's own while one is read (`vocabulary.using`). Every vocabulary
    lookup of the selectors goes through here."""
    return vocabulary.active().get(field)


def _check_value(field: str, value: Any) -> Any:
    kinds = FIELDS[field]
    # bool is a subclass of int: keep true/false out of int fields and 1/0 out of bool fields.
    if isinstance(value, bool) != (bool in kinds) and value is not None:
        raise Problem(msg("definition.field_bad_value", field=Label("field", field), value=value))
    if not isinstance(value, kinds):
        names = "/".join("null" if k is type(None) else k.__name__ for k in kinds)
        raise Problem(
            msg(
                "definition.field_wrong_type",
                field=Label("field", field),
                kinds=names,
                value=repr(value),
            )
        )
    vocab = _vocab_for(field)
    if vocab is not None and isinstance(value, str):
        return vocabulary.parse_code(vocab, value)
    return value


class _At(Exception):
    """A selector's problem at a key path below the selector (field, operator, index)."""

    def __init__(self, where: tuple[str | int, ...], problem: Problem, given: Any) -> None:
        super().__init__(str(problem))
        self.where, self.problem, self.given = where, problem, given


def _values(field: str, raw: Any, where: tuple[str | int, ...]) -> list[Any]:
    """A value or a list of values, each checked (vocabulary labels become codes)."""
    if not isinstance(raw, list):
        return [_checked(field, raw, where)]
    if not raw:
        raise _At(where, Problem(msg("definition.empty_values", field=Label("field", field))), raw)
    return [_checked(field, value, (*where, i)) for i, value in enumerate(raw)]


def _checked(field: str, value: Any, where: tuple[str | int, ...]) -> Any:
    try:
        return _check_value(field, value)
    except Problem as exc:
        raise _At(where, exc, value) from None
    except ValueError as exc:  # a vocabulary's: its Message lists the accepted values
        why = exc.args[0] if exc.args and isinstance(exc.args[0], Message) else None
        raise _At(where, Problem(why or msg("text.plain", text=str(exc))), value) from None


def _bound(field: str, op: str, raw: Any) -> int:
    where = (field, op)
    if not numeric(field):
        allowed = Listing(operators_for(field), "or")
        problem = msg(
            "definition.selector_needs_number", operator=op, field=Label("field", field),
            allowed=allowed,
        )  # fmt: skip
        raise _At(where, Problem(problem), raw)
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise _At(where, Problem(msg("definition.not_integer")), raw)
    return raw


def _operators(field: str, raw: Mapping[Any, Any]) -> Condition:
    """`{operator: operand}` checked, in the normal form (`{in: [..]}` alone is a list)."""
    if not raw:
        raise _At(
            (field,), Problem(msg("definition.selector_empty", field=Label("field", field))), raw
        )
    found: dict[str, Any] = {}
    for op, operand in raw.items():
        if op not in OPERATORS:
            allowed = Listing(operators_for(field), "or")
            problem = msg("definition.selector_unknown_operator", operator=op, allowed=allowed)
            raise _At((field, str(op)), Problem(problem), operand)
        if op in LISTS:
            found[op] = _values(field, operand, (field, op))
        else:
            found[op] = _bound(field, op, operand)
    _check_range(field, found)
    normal = {op: found[op] for op in OPERATORS if op in found}
    return normal["in"] if list(normal) == ["in"] else normal


def _check_range(field: str, found: Mapping[str, Any]) -> None:
    """A lower bound that leaves no value below the upper one (min > max, min >= under)."""
    low = found.get("min")
    if low is None:
        return
    for high_op, emptying in (("max", low - 1), ("under", low)):
        high = found.get(high_op)
        if high is not None and high <= emptying:
            problem = msg(
                "definition.selector_no_value", low_key="min", low=low, high_key=high_op,
                high=high,
            )  # fmt: skip
            raise _At((field, high_op), Problem(problem), high)


def _condition(field: Any, raw: Any) -> Condition:
    if field not in FIELDS:
        raise _At((str(field),), Problem(msg("definition.unknown_field", field=field)), raw)
    if isinstance(raw, Mapping):
        return _operators(field, raw)
    return _values(field, raw, (field,))


class ReferenceDateMissing(Problem):
    """A group that selects on age was matched without the reference date to count it on."""


class GroupSelector(RootModel[dict[str, Any]]):
    """Field -> condition (see the module); every field must hold (AND).

    `matches(facts, on=day)` counts `age` on `day`; a selector on age matched with `on=None`
    raises ReferenceDateMissing rather than guess a date (every campaign has its own)."""

    @field_validator("root")
    @classmethod
    def _validate(cls, root: dict[str, Any]) -> dict[str, Any]:
        normal: dict[str, Condition] = {}
        errors: list[InitErrorDetails] = []
        for field, raw in root.items():
            try:
                normal[field] = _condition(field, raw)
            except _At as bad:
                errors.append(
                    InitErrorDetails(
                        type="value_error", loc=bad.where, input=bad.given,
                        ctx={"error": bad.problem},
                    )
                )  # fmt: skip
        if errors:
            # Raised as a ValidationError, pydantic keeps each problem's path below the group.
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return normal

    @property
    def needs_date(self) -> bool:
        """Whether the selector tests age, so matching needs the reference date."""
        return AGE in self.root

    def require_date(self, on: date | None) -> None:
        """Refuse (ReferenceDateMissing) to match a selector on age without the date."""
        if on is None and self.needs_date:
            day = Label("field", "reference_date")
            missing = msg("composition.needs_reference_date", group=self.describe(), day=day)
            raise ReferenceDateMissing(missing)

    def matches(self, facts: NomineeFacts, on: date | None = None) -> bool:
        """True when the nominee meets every field's condition (age counted on `on`)."""
        self.require_date(on)
        return all(holds(c, value_of(facts, f, on)) for f, c in self.root.items())

    def describe(self) -> Message:
        """The group in words, e.g. 人员类别为一线职工/专业技术人员、民族不为汉族."""
        if not self.root:
            return msg("composition.all_nominees")
        parts = tuple(_words(f, c) for f, c in self.root.items())
        return msg("composition.group", parts=Listing(parts, "and"))


def _words(field: str, condition: Condition) -> Message:
    """One field's condition in words: 性别为女; 年龄（事迹起算日期）不小于18岁、小于35岁."""
    if isinstance(condition, list):
        return msg(
            "composition.selector", field=_field_name(field), values=_listing(field, condition)
        )
    tests = tuple(
        msg(f"composition.op_{op}", values=_listing(field, operand))
        if op in LISTS
        else msg(f"composition.op_{op}", bound=_number(field, operand))
        for op, operand in condition.items()
    )
    return msg("composition.condition", field=_field_name(field), tests=Listing(tests, "and"))


def _field_name(field: str) -> Label | Message:
    if field == AGE:
        return msg(
            "composition.age_on", age=Label("field", AGE), day=Label("field", "reference_date")
        )
    return Label("field", field)


def _number(field: str, n: int) -> int | Message:
    return msg("composition.years", n=n) if field == AGE else n


def _listing(field: str, values: list[Any]) -> Listing:
    return Listing(tuple(_value_label(field, v) for v in values), "slash")


def _value_label(field: str, value: Any) -> Any:
    """A selector value as people read it: a vocabulary label, yes/no, or the value itself."""
    if isinstance(value, bool):
        return msg("page.yes" if value else "page.no")
    if _vocab_for(field) is not None and isinstance(value, str):
        return Label(f"vocab.{field}", value)
    return value


def everyone() -> GroupSelector:
    """The selector that matches every nominee."""
    return GroupSelector({})
