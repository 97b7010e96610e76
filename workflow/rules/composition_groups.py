"""Groups of nominees a composition rule selects: field -> value(s), validated, described."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import RootModel, field_validator

from config.catalogue import Label, Listing, Message, msg
from workflow import vocabulary
from workflow.facts import NomineeFacts
from workflow.problems import Problem

# Fields a selector may test, with the Python types their values may take.
_SCALARS = (str, bool, int)


def _selectable_fields() -> dict[str, tuple[type, ...]]:
    hints = typing.get_type_hints(NomineeFacts)
    allowed: dict[str, tuple[type, ...]] = {}
    for name, hint in hints.items():
        parts = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        if all(p in _SCALARS or p is type(None) for p in parts):
            allowed[name] = tuple(parts)
    return allowed


_FIELDS = _selectable_fields()


def _vocab_for(field: str) -> vocabulary.Vocabulary | None:
    """The vocabulary of a field, if it has one: selector values may be codes, labels or terms
    of it — the definition's own while one is read (`vocabulary.using`)."""
    return vocabulary.active().get(field)


def _check_value(field: str, value: Any) -> Any:
    kinds = _FIELDS[field]
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


class GroupSelector(RootModel[dict[str, Any]]):
    """Field -> value or list of values; every field must match (AND), any listed value (OR)."""

    @field_validator("root")
    @classmethod
    def _validate(cls, root: dict[str, Any]) -> dict[str, Any]:
        normal: dict[str, list[Any]] = {}
        for field, raw in root.items():
            if field not in _FIELDS:
                raise Problem(msg("definition.unknown_field", field=field))
            values = raw if isinstance(raw, list) else [raw]
            if not values:
                raise Problem(msg("definition.empty_values", field=Label("field", field)))
            normal[field] = [_check_value(field, v) for v in values]
        return normal

    def matches(self, facts: NomineeFacts) -> bool:
        """True when the nominee matches every field of the selector."""
        return all(getattr(facts, f) in values for f, values in self.root.items())

    def describe(self) -> Message:
        """The group in words, e.g. 人员类别为一线职工/专业技术人员 (category=front-line …)."""
        if not self.root:
            return msg("composition.all_nominees")
        parts = tuple(
            msg(
                "composition.selector",
                field=Label("field", f),
                values=Listing(tuple(_value_label(f, v) for v in values), "slash"),
            )
            for f, values in self.root.items()
        )
        return msg("composition.group", parts=Listing(parts, "and"))


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
