"""A campaign's rule on age counts each nominee's age on the campaign's reference date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from models import Campaign
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import add, fire
from workflow.services import campaigns, reports
from workflow.services.composition_rules import amend_composition

YOUNG = {
    "kind": "coverage",
    "id": "young",
    "label": "青年职工",
    "group": {"age": {"under": 35}, "ethnicity": {"not": "汉族"}},
    "min_count": 1,
}


def test_the_report_counts_ages_on_the_reference_date(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        assert campaign.reference_date == date(2026, 3, 1)
        amend_composition(uow, campaign_id, [*campaign.composition, YOUNG], "增设", ADMIN, T0)
    # 35 on the reference date (its birthday), a minority: not under 35.
    fire(
        sf,
        add(sf, campaign_id, name="马一", birth_date=date(1991, 3, 1), ethnicity="回族"),
        "submit",
    )
    # 34 on the reference date but Han: not this group.
    fire(sf, add(sf, campaign_id, name="张二", birth_date=date(1991, 3, 2)), "submit")

    def young() -> tuple[bool, int, str]:
        with UnitOfWork(sf) as uow:
            _, results = reports.composition(
                uow, campaigns.get_campaign(uow, campaign_id), "submitted"
            )
        [result] = [r for r in results if r.rule_id == "young"]
        return result.ok, result.count, result.detail

    ok, count, detail = young()
    assert (ok, count) == (False, 0)
    assert "年龄（事迹起算日期）小于35岁、民族不为汉族" in detail
    # 34 on the reference date, a minority: counted.
    fire(
        sf,
        add(sf, campaign_id, "gz", "马三", birth_date=date(1991, 3, 2), ethnicity="回族"),
        "submit",
    )
    assert young()[:2] == (True, 1)
