"""A second campaign for the administrator's set-up pages: recommendation open, two men
submitted, so the women's share rule fails until its figure is amended."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, advance_to
from tests.integration.flow import add, fire
from workflow.services import campaigns

SETUP_CODE = "jx-setup"


def seed_setup_campaign(sf: sessionmaker[Session]) -> int:
    """Campaign jx-setup in recommendation, its deadline ahead, with two submitted nominees."""
    with UnitOfWork(sf) as uow:
        campaign = campaigns.create_campaign(
            uow,
            code=SETUP_CODE,
            title="结构比例调整试点",
            definition_name="jiangxi-labour-model",
            reference_date=T0.date() - timedelta(days=400),
            submission_deadline=T0 + timedelta(days=60),
            actor=ADMIN,
            now=T0,
        )
        campaign_id = campaign.id
    rows = [
        campaigns.UnitQuota("nc", "南昌市总工会", 3),
        campaigns.UnitQuota("gz", "赣州市总工会", 3),
    ]
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, rows, ADMIN, T0)
    advance_to(sf, campaign_id, "recommendation")
    for unit, name in (("nc", "赵一线"), ("gz", "钱技术")):
        fire(sf, add(sf, campaign_id, unit, name), "submit")
    return campaign_id
