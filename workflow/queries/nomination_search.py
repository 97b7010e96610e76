"""The working team's nominations list: one filter, parsed once, shared by pages, API and CLI.

`NominationFilter.from_query` reads the filter from a query string (the page's GET form, the
API's parameters, a bulk request's `filter` object, the CLI's options) and refuses a bad value
naming its field (`BadInput`); `to_query` writes it back, so the filter lives in the URL and
round-trips. `search_nominations` applies it through the one visibility rule
(`workflow.access.nomination_filter`, recused nominations left out): a unit clerk gets no row
of another unit through any filter. The rows are the list view (no identity number, phone or
birth date: those stay with the masked detail, `workflow.queries.nominations`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import defer, lazyload

from config.catalogue import Label, Listing, Message, msg
from config.errors import HonorflowError
from models import Campaign, Nomination, QuotaAllocation, RecommendingUnit
from models.uow import UnitOfWork
from workflow.access import nomination_filter, not_recused_filter
from workflow.actors import Actor
from workflow.queries.paging import Paged
from workflow.queries.rule_filter import RULE_SCAN_LIMIT, failing_ids, known_rule
from workflow.vocabulary import CATEGORIES

MAX_SIZE = 200  # rows on one page
DEFAULT_SIZE = 50
MAX_PAGE = 100_000
MAX_SEARCH = 100  # characters of the search text
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,59}$")
# The filter's query keys (`status` is the older name of `stage`).
KEYS = frozenset(
    ["campaign", "stage", "status", "unit", "category", "flag", "rule", "q", "sort", "page", "size"]
)
STATE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _unit_code() -> Any:
    return (
        select(RecommendingUnit.code)
        .where(RecommendingUnit.id == Nomination.unit_id)
        .scalar_subquery()
    )


# The columns a list may be sorted by (a leading "-" sorts descending); nothing else.
SORTS: Mapping[str, Any] = {
    "id": lambda: Nomination.id,
    "name": lambda: Nomination.name,
    "unit": _unit_code,
    "stage": lambda: Nomination.status,
    "entered": lambda: Nomination.stage_entered_at,
    "updated": lambda: Nomination.updated_at,
}


def _gender_female() -> ColumnElement[bool]:
    return Nomination.gender == "F"


def _minority() -> Any:
    return Nomination.facts["ethnicity"].as_string() != "汉族"


def _fact(name: str) -> Any:
    return lambda: Nomination.facts[name].as_boolean().is_(True)


# Yes/no facts of the nominee (workflow.facts.NomineeFacts) a list may be narrowed to.
FLAGS: Mapping[str, Any] = {
    "gig_worker": _fact("gig_worker"),
    "migrant_worker": _fact("migrant_worker"),
    "disability": _fact("disability"),
    "female": _gender_female,
    "minority": _minority,
}


# A list row needs its unit; the campaign and the definition (a large JSON each) are loaded
# once, on first use, from the identity map, and the facts and texts only if someone reads them.
LIST_LOADING = (
    lazyload(Nomination.campaign),
    lazyload(Nomination.definition),
    defer(Nomination.facts),
    defer(Nomination.summary),
    defer(Nomination.deeds),
)


class BadInput(HonorflowError):
    """A filter or bulk request value that cannot be used; `field` names it."""

    exit_code = 2

    def __init__(self, field_name: str, message: Message) -> None:
        shown = Label("input", field_name)
        super().__init__(message=msg("error.invalid.field", field=shown, problem=message))
        self.field = field_name


def _one_of(name: str, value: str, allowed: Iterable[str], prefix: str) -> str:
    """The value if allowed; else BadInput listing the allowed values by their labels."""
    choices = tuple(allowed)
    if value not in choices:
        area, _, start = prefix.partition(":")
        shown = Listing(tuple(Label(area, start + c) for c in choices), "or")
        raise BadInput(name, msg("error.invalid.not_in_vocabulary", allowed=shown))
    return value


def _sort(value: str) -> str:
    if value.removeprefix("-") not in SORTS:
        columns = Listing(tuple(Label("page", f"office_col_{c}") for c in SORTS), "or")
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
                flags.append(_one_of("flag", value, FLAGS, "page:flag_"))
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
        if "sort" in changes or any(k not in ("page", "size") for k in changes):
            changes.setdefault("page", 1)  # a new order or filter starts at the first page
        return "?" + urlencode(replace(self, **changes).to_query())

    def sorted_by(self, column: str) -> str:
        """The sort a header link asks for: ascending, or descending when already ascending."""
        return f"-{column}" if self.sort == column else column

    @property
    def narrowed(self) -> bool:
        """Whether anything but paging and order is set."""
        return bool(self.stage or self.unit or self.category or self.flags or self.rule or self.q)


def filtered(uow: UnitOfWork, actor: Actor, f: NominationFilter) -> Select[Nomination]:
    """The visible nominations matching the filter, in its order (ties by id)."""
    query = (
        select(Nomination)
        .options(*LIST_LOADING)
        .where(nomination_filter(uow, actor), not_recused_filter(actor))
    )
    if f.campaign:
        query = query.where(Nomination.campaign_id == _campaign_id(uow, f.campaign))
    if f.stage:
        query = query.where(Nomination.status == f.stage)
    if f.unit:
        units = select(RecommendingUnit.id).where(RecommendingUnit.code == f.unit)
        query = query.where(Nomination.unit_id.in_(units))
    if f.category:
        query = query.where(Nomination.category == f.category)
    for flag in f.flags:
        query = query.where(FLAGS[flag]())
    if f.q:
        query = query.where(
            or_(
                Nomination.name.icontains(f.q, autoescape=True),
                Nomination.employer.icontains(f.q, autoescape=True),
            )
        )
    column = SORTS[f.sort.lstrip("-")]()
    order = column.desc() if f.sort.startswith("-") else column.asc()
    tie = Nomination.id.desc() if f.sort.startswith("-") else Nomination.id.asc()
    return query.order_by(order, tie)


def _campaign_id(uow: UnitOfWork, ref: str) -> int:
    from workflow.services.campaigns import find_campaign  # NotFound names the code asked for

    return find_campaign(uow, ref).id


def search_nominations(
    uow: UnitOfWork,
    actor: Actor,
    f: NominationFilter,
    *,
    limit: int | None = None,
    offset: int | None = None,
) -> Paged[Nomination]:
    """One page of the visible nominations matching the filter, and how many match in all.

    `limit`/`offset` override the filter's page (the API's older parameters). A failing-rule
    filter runs the rule on every candidate the rest of the filter leaves (bounded by
    `RULE_SCAN_LIMIT`), because rule results are computed, not stored.
    """
    query = filtered(uow, actor, f)
    size = f.size if limit is None else limit
    start = (f.page - 1) * f.size if offset is None else offset
    if f.rule is None:
        total = uow.session.scalar(
            query.with_only_columns(func.count(Nomination.id)).order_by(None)
        )
        found = uow.session.scalars(query.limit(size).offset(start)).unique()
        return Paged(int(total or 0), list(found))
    ids = failing_ids(uow, query, f.rule)
    chosen = ids[start : start + size]
    rows = {
        n.id: n
        for n in uow.session.scalars(
            select(Nomination).options(*LIST_LOADING).where(Nomination.id.in_(chosen))
        ).unique()
    }
    return Paged(len(ids), [rows[i] for i in chosen if i in rows])


def matching_ids(uow: UnitOfWork, actor: Actor, f: NominationFilter, cap: int) -> list[int]:
    """The ids of every visible nomination matching the filter (paging ignored), at most cap+1.

    One more than the cap is returned so that a caller can tell "too many" from "exactly cap".
    """
    query = filtered(uow, actor, f)
    if f.rule is not None:
        return failing_ids(uow, query, f.rule)[: cap + 1]
    only_ids = query.with_only_columns(Nomination.id).limit(cap + 1)
    return [int(i) for i in uow.session.scalars(only_ids)]


@dataclass(frozen=True)
class FilterChoices:
    """What the filter form offers: campaigns, units, states, categories, flags, rules, sorts."""

    campaigns: list[Campaign]
    units: list[RecommendingUnit]
    states: list[str]
    categories: tuple[str, ...]
    flags: tuple[str, ...]
    rules: list[str]
    sorts: tuple[str, ...]
    scan_limit: int = RULE_SCAN_LIMIT


def filter_choices(uow: UnitOfWork, campaign: Campaign | None) -> FilterChoices:
    """The options of the filter form for a campaign (its units, its definition's states)."""
    from workflow.machine import AWARDED, END_STATES, open_states
    from workflow.services.definitions import definition_of

    campaigns = list(uow.session.scalars(select(Campaign).order_by(Campaign.id.desc())).unique())
    units: list[RecommendingUnit] = []
    states: list[str] = []
    rules: list[str] = []
    if campaign is not None:
        held = select(QuotaAllocation.unit_id).where(QuotaAllocation.campaign_id == campaign.id)
        units = list(
            uow.session.scalars(
                select(RecommendingUnit)
                .where(RecommendingUnit.id.in_(held))
                .order_by(RecommendingUnit.code)
            )
        )
        definition = definition_of(campaign.definition)
        states = [*open_states(definition), AWARDED, *END_STATES]
        rules = list(definition.eligibility)
    return FilterChoices(
        campaigns, units, states, tuple(CATEGORIES), tuple(FLAGS), rules, tuple(SORTS)
    )
