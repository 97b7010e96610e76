"""The committee decision, the honours registry and revocation, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Campaign, HonourRecord, OutboxMessage
from models.uow import UnitOfWork
from tests.conftest import ADMIN, make_campaign
from tests.integration.flow import (
    AFTER_NOTICE,
    BALANCED,
    COVERAGE,
    SECRETARY,
    TEAM,
    add,
    add_village_worker,
    count,
    fire,
    status,
    to_committee,
    to_joint_review,
)
from workflow.actors import Actor
from workflow.errors import GuardFailed, PermissionDenied
from workflow.services import committee
from workflow.services.reports import composition

DECIDED = AFTER_NOTICE + timedelta(days=1)


def _decide(sf: sessionmaker[Session], campaign_id: int, **kwargs: object) -> committee.Decision:
    with UnitOfWork(sf) as uow:
        return committee.decide(uow, campaign_id, SECRETARY, DECIDED, **kwargs)  # type: ignore[arg-type]


def test_composition_failures_refuse_the_decision_unless_overridden(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)  # a man, no gig worker, no disability
    to_committee(sf, nomination)

    with pytest.raises(GuardFailed) as refused:
        _decide(sf, campaign_id)
    rules = {f.rule for f in refused.value.failures}
    assert rules == {"women_min", *COVERAGE}
    assert str(refused.value).startswith("“审定”未通过：")
    assert "全部人选中性别为女：1人中0人（0.0%），低于下限20.0%（还需1人）" in str(refused.value)
    # The rules are named by their labels (结构比例 and the rule's own), never by their ids.
    assert "；结构比例：" in str(refused.value) and "women_min" not in str(refused.value)
    assert "composition: " in refused.value.text("en")
    assert status(sf, nomination).status == "committee"
    assert count(sf, HonourRecord) == 0

    decision = _decide(sf, campaign_id, override_reason="本届名单经研究同意")

    assert decision.awarded == [nomination] and decision.override == "本届名单经研究同意"
    assert status(sf, nomination).status == "awarded"
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.phase == "decided"
        assert campaign.decision_override == "本届名单经研究同意"
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "committee_decision")
        ).one()
        assert set(event.payload["overridden"]) == rules


def test_a_rule_not_evaluated_does_not_block_the_decision_a_missed_one_does(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nominee = add(sf, campaign_id, "nc", "甲", **BALANCED)  # an enterprise worker
    to_committee(sf, nominee)
    village = add_village_worker(sf, campaign_id)

    # Approving nobody: every share is of an empty list, the coverage rules are missed.
    with pytest.raises(GuardFailed) as refused:
        _decide(sf, campaign_id, exceptions={nominee: "考察发现问题", village: "考察发现问题"})
    assert {f.rule for f in refused.value.failures} == COVERAGE
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        empty = committee.plan_decision(uow, campaign, [nominee, village])
        whole = committee.plan_decision(uow, campaign, [])
    assert {r.reason for r in empty.not_evaluated} == {"empty_list"}
    assert {r.kind for r in empty.not_evaluated} == {"share"} and empty.needs_override
    # With her: no 机关事业单位 nominee, so the share of county officials among them is not
    # evaluated; it is shown as such and needs no override, for it cannot be missed.
    assert [(r.rule_id, r.reason) for r in whole.not_evaluated] == [
        ("gov_county_max", "empty_base")
    ]
    assert whole.missed == [] and not whole.needs_override

    decision = _decide(sf, campaign_id)

    assert (sorted(decision.awarded), decision.override) == ([nominee, village], None)
    with UnitOfWork(sf) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "committee_decision")
        ).one()
        assert event.payload["overridden"] == []
        assert event.payload["not_evaluated"] == ["gov_county_max"]
        assert event.reason == "结构比例要求无未达标项；未评估：县处级干部占机关事业单位人员比例"


def test_approval_awards_and_registers_an_exception_is_not_approved(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    approved = add(sf, campaign_id, "nc", "甲", **BALANCED)
    rejected = add(sf, campaign_id, "gz", "乙")
    to_committee(sf, approved)
    to_committee(sf, rejected)
    village = add_village_worker(sf, campaign_id)

    decision = _decide(sf, campaign_id, exceptions={rejected: "考察发现群众反映问题"})

    assert (sorted(decision.awarded), decision.not_approved, decision.override) == (
        [approved, village],
        [rejected],
        None,
    )
    assert status(sf, approved).status == "awarded"
    refused = status(sf, rejected)
    assert (refused.status, refused.end_reason) == ("not_approved", "考察发现群众反映问题")
    with UnitOfWork(sf) as uow:
        records = uow.session.scalars(select(HonourRecord)).all()
        assert sorted(r.nomination_id for r in records) == [approved, village]
        record = next(r for r in records if r.nomination_id == approved)
        assert record.person_name == "甲"
        assert (record.honour_level, record.awarded_on) == ("provincial", DECIDED.date())
        assert record.revoked_on is None
        results = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "committee_result")
        ).all()
        assert {m.context["state"] for m in results} == {"awarded", "not_approved"}


def test_only_the_committee_secretary_decides(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id, **BALANCED)
    to_committee(sf, nomination)
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        committee.decide(uow, campaign_id, TEAM, DECIDED)
    assert status(sf, nomination).status == "committee"


def test_revoke_marks_the_registry_and_a_later_campaign_consults_it(
    sf: sessionmaker[Session],
) -> None:
    first = make_campaign(sf)
    honoured = add(sf, first, "nc", "王五", **BALANCED)
    to_committee(sf, honoured)
    add_village_worker(sf, first)
    _decide(sf, first)

    # Within the five-year window the registry's honour bars the same person.
    later = make_campaign(sf, code="jx2026-b")
    again = add(sf, later, "nc", "王五", **BALANCED)
    with pytest.raises(GuardFailed) as refused:
        to_joint_review(sf, again)  # the qualification pass runs prior_honour
    [failure] = refused.value.failures
    assert failure.rule == "prior_honour"
    assert "已获2026年“江西省劳动模范”（省级）" in failure.reason
    assert "'江西省劳动模范' (provincial, 2026)" in failure.message.render("en")
    assert status(sf, again).status == "qualification"

    with pytest.raises(PermissionDenied), UnitOfWork(sf) as uow:
        committee.revoke(uow, honoured, "弄虚作假", TEAM, DECIDED)
    with UnitOfWork(sf) as uow:
        result = committee.revoke(uow, honoured, "弄虚作假", ADMIN, DECIDED + timedelta(days=30))

    assert (result.from_state, result.to_state) == ("awarded", "revoked")
    assert status(sf, honoured).status == "revoked"
    with UnitOfWork(sf) as uow:
        record = uow.session.scalars(
            select(HonourRecord).where(HonourRecord.nomination_id == honoured)
        ).one()
        assert record.revoked_on == (DECIDED + timedelta(days=30)).date()
        assert record.revoke_reason == "弄虚作假"
    # A revoked honour no longer bars the person.
    assert fire(sf, again, "pass", TEAM).to_state == "joint_review"


def test_a_registry_entry_of_someone_else_does_not_bar(sf: sessionmaker[Session]) -> None:
    first = make_campaign(sf)
    honoured = add(sf, first, "nc", "王五", **BALANCED)
    to_committee(sf, honoured)
    add_village_worker(sf, first)
    _decide(sf, first)
    later = make_campaign(sf, code="jx2026-b")
    # The registry matches on name and birth date: a namesake born elsewhen is not barred.
    namesake = add(sf, later, "nc", "王五", birth_date=date(1991, 5, 5), **BALANCED)
    to_joint_review(sf, namesake)
    assert status(sf, namesake).status == "joint_review"


def test_a_clerk_may_not_revoke(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id, **BALANCED)
    to_committee(sf, nomination)
    add_village_worker(sf, campaign_id)
    _decide(sf, campaign_id)
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        committee.revoke(uow, nomination, "x", Actor("c", "unit_clerk", unit_code="nc"), DECIDED)
    assert status(sf, nomination).status == "awarded"


def test_composition_report_scopes(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    at_committee = add(sf, campaign_id, "nc", "甲", gender="F")
    submitted = add(sf, campaign_id, "gz", "乙")
    add(sf, campaign_id, "jt", "丙")  # stays a draft
    to_committee(sf, at_committee)
    fire(sf, submitted, "submit")
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        sizes = {
            scope: composition(uow, campaign, scope, stage="committee", unit_code="gz")[0]
            for scope in ("submitted", "stage", "final", "unit")
        }
        _, final = composition(uow, campaign, "final")
    assert sizes == {"submitted": 2, "stage": 1, "final": 1, "unit": 1}
    women = next(r for r in final if r.rule_id == "women_min")
    assert (women.count, women.base_count, women.ok) == (1, 1, True)
