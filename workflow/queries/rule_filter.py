"""Which nominees fail a given eligibility rule, for the lists' "failing rule" filter.

Rule results are computed from the nominee's facts, the campaign and the honours registry
(`workflow.queries.eligibility.rule_results` for one nomination); nothing stores them. A list
narrowed to a failing rule therefore runs that one rule over the candidates the rest of the
filter leaves, with what every candidate shares loaded once: the calendar, each campaign, each
definition's parameters and the registry. The scan is bounded: more than `RULE_SCAN_LIMIT`
candidates is refused with a request to narrow the filter (campaign, stage, unit, …).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Select, select

from config.catalogue import msg
from models import Campaign, DefinitionVersion, HonourRecord, Nomination
from models.uow import UnitOfWork
from workflow.facts import PriorHonour, facts_from_json
from workflow.queries.nomination_filter import BadInput
from workflow.rules.eligibility import (
    EligibilityContext,
    check_eligibility,
    parse_rule_params,
)
from workflow.services.definitions import definition_of
from workflow.step import load_calendar

# Candidates one failing-rule filter may run its rule on: 10,000 take about half a second
# (SQLite, unloaded), most of it rebuilding the facts from JSON.
RULE_SCAN_LIMIT = 10_000


def _registry(uow: UnitOfWork) -> dict[tuple[str, date], list[tuple[int | None, PriorHonour]]]:
    """Live registry entries by person (name, birth date), each with its nomination."""
    found: dict[tuple[str, date], list[tuple[int | None, PriorHonour]]] = defaultdict(list)
    rows = uow.session.scalars(select(HonourRecord).where(HonourRecord.revoked_on.is_(None)))
    for r in rows:
        honour = PriorHonour(r.honour, r.honour_level, r.awarded_on.year)
        found[(r.person_name, r.birth_date)].append((r.nomination_id, honour))
    return found


def _params(uow: UnitOfWork, rule: str) -> dict[int, BaseModel | None]:
    """The rule's parameters per definition version (None where it is not configured)."""
    params: dict[int, BaseModel | None] = {}
    for row in uow.session.scalars(select(DefinitionVersion)):
        configured = definition_of(row).eligibility
        params[row.id] = parse_rule_params(rule, configured[rule]) if rule in configured else None
    return params


def failing_ids(uow: UnitOfWork, query: Select[Any], rule: str) -> list[int]:
    """The ids, in the query's order, of the nominations that fail the rule now."""
    columns = query.with_only_columns(
        Nomination.id,
        Nomination.facts,
        Nomination.name,
        Nomination.birth_date,
        Nomination.campaign_id,
        Nomination.definition_id,
    ).limit(RULE_SCAN_LIMIT + 1)
    candidates = uow.session.execute(columns).all()
    if len(candidates) > RULE_SCAN_LIMIT:
        raise BadInput("rule", msg("page.rule_scan_too_many", limit=RULE_SCAN_LIMIT))
    params = _params(uow, rule)
    registry = _registry(uow)
    calendar = load_calendar(uow)
    campaigns = {c.id: c for c in uow.session.scalars(select(Campaign)).unique()}
    failing: list[int] = []
    for ident, facts, name, birth, campaign_id, definition_id in candidates:
        configured = params.get(definition_id)
        if configured is None:
            continue
        campaign = campaigns[campaign_id]
        held = tuple(h for n, h in registry.get((name, birth), ()) if n != ident)
        ctx = EligibilityContext(campaign.reference_date, campaign.honour_level, held, calendar)
        try:
            failed = bool(check_eligibility(facts_from_json(facts), ctx, {rule: configured}))
        except Exception:  # a rule that cannot run (a date the calendar lacks) does not pass
            failed = True
        if failed:
            failing.append(int(ident))
    return failing
