"""pydantic's validation errors of a definition, in the catalogue's words (code and figures)."""

from __future__ import annotations

import re

from pydantic_core import ErrorDetails

from config.catalogue import Listing, Message, msg
from workflow.bounded_yaml import excerpt
from workflow.problems import Problem

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


def describe_error(error: ErrorDetails) -> Message:
    """One pydantic error as a Message: the rule module's own Problem, or the type's words."""
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
        return msg("definition.bad_tag", tag=excerpt(ctx.get("tag")), allowed=allowed)
    if kind == "string_pattern_mismatch":
        return msg("definition.pattern", pattern=ctx.get("pattern"))
    if kind == "value_error":  # a rule module's own check, not yet a Problem
        return msg("text.plain", text=excerpt(error["msg"].removeprefix("Value error, "), 300))
    return msg("definition.invalid")


def _choices(expected: str) -> Listing:
    """pydantic's "'a', 'b' or 'c'" as a list shown the reader's way."""
    return Listing(tuple(re.findall(r"'([^']*)'", expected)), "or")
