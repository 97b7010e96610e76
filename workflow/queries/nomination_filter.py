"""The office list's filter: one dataclass, parsed once from a query string, written back.

`NominationFilter.from_query` reads the filter from a query string (the page's GET form, the
API's parameters, a bulk request's `filter` object, the CLI's options) and refuses a bad value
naming its field (`BadInput`, with the allowed values by their labels); `to_query` writes it
back, so the filter lives in the URL and round-trips. What it selects is
`workflow.queries.nomination_search`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from config.catalogue import Label, Listing, msg
from workflow.errors import BadInput as BadInput
from workflow.rules.eligibility import ELIGIBILITY_RULES
from workflow.vocabulary import CATEGORIES

MAX_SIZE = 200  # rows on one page
DEFAULT_SIZE = 50
MAX_PAGE = 100_000
MAX_SEARCH = 100  # characters of the search text
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}$")
STATE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The filter's query keys (`status` is the older name of `stage`).
KEYS = frozenset(
    ["campaign", "stage", "status", "unit", "category", "flag", "rule", "q", "sort", "page", "size"]
)
# The columns a list may be sorted by (a leading "-" sorts descending); nothing else.
SORT_COLUMNS = ("id", "name", "unit", "stage", "entered", "updated")
# Yes/no facts of the nominee (workflow.facts.NomineeFacts) a list may be narrowed to.
FLAG_NAMES = ("gig_worker", "migrant_worker", "disability", "female", "minority")


def known_rule(name: str) -> str:
    """The rule's name if it is a registered eligibility rule; else BadInput on `rule`."""
    if name not in ELIGIBILITY_RULES:
        known = Listing(tuple(Label("rule", r) for r in ELIGIBILITY_RULES), "or")
        raise BadInput("rule", msg("error.invalid.not_in_vocabulary", allowed=known))
    return name


def _one_of(name: str, value: str, allowed: Iterable[str], prefix: str) -> str:
    """The value if allowed; else BadInput listing the allowed values by their labels."""
    choices = tuple(allowed)
    if value not in choices:
        area, _, start = prefix.partition(":")
        shown = Listing(tuple(Label(area, start + c) for c in choices), "or")
        raise BadInput(name, msg("error.invalid.not_in_vocabulary", allowed=shown))
    return value


def _sort(value: str) -> str:
    if value.removeprefix("-") not in SORT_COLUMNS:
        columns = Listing(tuple(Label("page", f"office_col_{c}") for c in SORT_COLUMNS), "or")
        raise BadInput("sort", msg("bulk.sort_allowed", columns=columns))
    return value


def _number(name: str, value: str, low: int, high: int) -> int:
    if not value.strip().isdigit() or len(value.strip()) > 9:
        raise BadInput(name, msg("error.invalid.int_parsing"))
    number = int(value)
    if number < low:
        raise BadInput(name, msg("error.invalid.greater_than_equal", ge=low))
    if number > high:
        raise BadInput(name, msg("error.invalid.less_than_equal", le=high))
    return number


def _pattern(name: str, value: str, pattern: re.Pattern[str]) -> str:
    if not pattern.match(value):
        raise BadInput(name, msg("error.invalid.string_pattern_mismatch"))
    return value


@dataclass(frozen=True)
class NominationFilter:
    """What the list is narrowed to, how it is sorted and which page; None/empty means any."""

    campaign: str | None = None  # code (or id)
    stage: str | None = None  # a state code: submitted, qualification, joint_review, …
    unit: str | None = None  # a recommending unit's code
    category: str | None = None
    flags: tuple[str, ...] = ()
    rule: str | None = None  # an eligibility rule the nominee fails
    q: str | None = None  # part of the name or the employer, any case
    sort: str = "id"
    page: int = 1
    size: int = DEFAULT_SIZE

    @classmethod
    def from_query(cls, pairs: Iterable[tuple[str, str]]) -> NominationFilter:
        """Parse query-string pairs (unknown keys ignored; `status` is the old name of `stage`)."""
        values: dict[str, Any] = {}
        flags: list[str] = []
        for key, raw in pairs:
            value = raw.strip()
            if not value:
                continue
            if key == "flag":
                flags.append(_one_of("flag", value, FLAG_NAMES, "page:flag_"))
            elif key in ("stage", "status"):
                values["stage"] = _pattern(key, value, STATE)
            elif key in ("campaign", "unit"):
                values[key] = _pattern(key, value, CODE)
            elif key == "category":
                values[key] = _one_of(key, value, CATEGORIES, "vocab.category:")
            elif key == "rule":
                values[key] = known_rule(value)
            elif key == "q":
                if len(value) > MAX_SEARCH:
                    raise BadInput(key, msg("error.invalid.string_too_long", max_length=MAX_SEARCH))
                values[key] = value
            elif key == "sort":
                values[key] = _sort(value)
            elif key == "page":
                values[key] = _number(key, value, 1, MAX_PAGE)
            elif key == "size":
                values[key] = _number(key, value, 1, MAX_SIZE)
        return cls(flags=tuple(dict.fromkeys(flags)), **values)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> NominationFilter:
        """Parse a JSON object (a bulk request's `filter`): lists become repeated keys."""
        pairs: list[tuple[str, str]] = []
        for key, value in data.items():
            if key not in KEYS:
                raise BadInput(key, msg("error.invalid.extra_forbidden"))
            for item in value if isinstance(value, list | tuple) else [value]:
                if isinstance(item, dict | list) or item is None:
                    raise BadInput(key, msg("error.invalid.string_type"))
                pairs.append((key, str(item)))
        return cls.from_query(pairs)

    def to_query(self) -> list[tuple[str, str]]:
        """The filter as query-string pairs, defaults left out (`from_query` reads them back)."""
        pairs = [
            (key, str(value))
            for key, value in (
                ("campaign", self.campaign),
                ("stage", self.stage),
                ("unit", self.unit),
                ("category", self.category),
                ("rule", self.rule),
                ("q", self.q),
            )
            if value
        ]
        pairs += [("flag", f) for f in self.flags]
        if self.sort != "id":
            pairs.append(("sort", self.sort))
        if self.size != DEFAULT_SIZE:
            pairs.append(("size", str(self.size)))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def link(self, **changes: Any) -> str:
        """`?…` for this filter with some values changed (sort headers, paging links)."""
        if any(k != "page" for k in changes):
            changes.setdefault("page", 1)  # a new order, size or filter starts at page one
        return "?" + urlencode(replace(self, **changes).to_query())

    def sorted_by(self, column: str) -> str:
        """The sort a header link asks for: ascending, or descending when already ascending."""
        return f"-{column}" if self.sort == column else column

    @property
    def narrowed(self) -> bool:
        """Whether anything but paging and order is set."""
        return bool(self.stage or self.unit or self.category or self.flags or self.rule or self.q)
