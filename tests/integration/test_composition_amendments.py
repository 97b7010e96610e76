"""A campaign's composition rules amended in place: validated as a definition's (errors name the
rule and the field), audited with before and after, the report following at once, and refused
once submissions have closed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Campaign
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, advance_to, make_campaign
from tests.integration.flow import TEAM, add, fire
from workflow.errors import InvalidInput, InvalidState, PermissionDenied
from workflow.services import campaigns, reports
from workflow.services.composition_rules import amend_composition


def _rules(sf: sessionmaker[Session], campaign_id: int) -> list[dict[str, Any]]:
    with UnitOfWork(sf) as uow:
        return list(uow.session.get_one(Campaign, campaign_id).composition)


def _women(sf: sessionmaker[Session], campaign_id: int) -> tuple[bool, str]:
    with UnitOfWork(sf) as uow:
        campaign = campaigns.get_campaign(uow, campaign_id)
        _, results = reports.composition(uow, campaign, "submitted")
    [women] = [r for r in results if r.rule_id == "women_min"]
    return women.ok, women.bound


def _with_women_min(rules: list[dict[str, Any]], share: float) -> list[dict[str, Any]]:
    return [{**r, "min_share": share} if r["id"] == "women_min" else r for r in rules]


def test_an_amended_figure_changes_the_report_at_once_and_is_audited(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    fire(sf, add(sf, campaign_id), "submit")  # one man: women 0% < 20%
    assert _women(sf, campaign_id) == (False, ">= 20.0%")
    before = _rules(sf, campaign_id)
    with UnitOfWork(sf) as uow:
        stored = amend_composition(
            uow, campaign_id, _with_women_min(before, 0.0), "试点年度放宽", ADMIN, T0
        )
    assert _women(sf, campaign_id) == (True, ">= 0.0%")
    assert _rules(sf, campaign_id) == stored and len(stored) == len(before)
    with UnitOfWork(sf) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "composition_amended")
        ).one()
    assert event.reason == "试点年度放宽" and event.campaign_id == campaign_id
    assert event.payload is not None and event.payload["before"] == before
    assert event.payload["after"] == stored


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"min_share": 1.5}, "rules.5.min_share", "第6条规则（女性占比）的比例下限"),
        ({"group": {"colour": "red"}}, "rules.5.group", "第6条规则（女性占比）的人群"),
        ({"kind": "quota"}, "rules.5.kind", "第6条规则（女性占比）的规则类型"),
        ({"min_share": None}, "rules.5", "女性占比"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_rule_and_the_field(
    sf: sessionmaker[Session], change: dict[str, Any], field: str, words: str
) -> None:
    campaign_id = make_campaign(sf)
    before = _rules(sf, campaign_id)
    rules = [{**r, **change} if r["id"] == "women_min" else r for r in before]
    rules = [{k: v for k, v in r.items() if v is not None} for r in rules]
    with UnitOfWork(sf) as uow, pytest.raises(InvalidInput) as refused:
        amend_composition(uow, campaign_id, rules, "改", ADMIN, T0)
    assert refused.value.field.startswith(field) and words in str(refused.value)
    assert _rules(sf, campaign_id) == before


def test_a_repeated_id_a_missing_reason_and_a_clerk_are_refused(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    rules = _rules(sf, campaign_id)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidInput, match="women_min"):
        amend_composition(uow, campaign_id, [*rules, rules[5]], "改", ADMIN, T0)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidInput) as no_reason:
        amend_composition(uow, campaign_id, _with_women_min(rules, 0.1), " ", ADMIN, T0)
    assert no_reason.value.field == "reason"
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        amend_composition(uow, campaign_id, _with_women_min(rules, 0.1), "改", TEAM, T0)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="相同"):
        amend_composition(uow, campaign_id, rules, "改", ADMIN, T0)


def test_no_amendment_once_submissions_have_closed(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    rules = _with_women_min(_rules(sf, campaign_id), 0.1)
    with UnitOfWork(sf) as uow:
        uow.session.execute(
            update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(submission_deadline=T0 + timedelta(days=1))
        )
        uow.commit()
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="截止"):
        amend_composition(uow, campaign_id, rules, "改", ADMIN, T0 + timedelta(days=2))
    with UnitOfWork(sf) as uow:
        amend_composition(uow, campaign_id, rules, "截止前修改", ADMIN, T0)
    advance_to(sf, campaign_id, "inspection_notice")
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="考察公示"):
        amend_composition(uow, campaign_id, _with_women_min(rules, 0.2), "改", ADMIN, T0)
