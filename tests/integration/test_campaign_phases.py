"""Campaign phases gate what may be done: no submission before recommendation opens; no
import, new nomination or quota change once the campaign is decided or closed. Every
refusal names the phase; a refused action changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from config.catalogue import label
from config.message_json import REASON_KEY, message_from_json
from models import AuditEvent, Campaign, Nomination, QuotaAllocation
from models.uow import UnitOfWork
from tests.conftest import ADMIN, JIANGXI, ROOT, T0, advance_to, make_campaign
from tests.integration.flow import SECRETARY, add, facts, fire, status, to_committee
from workflow.errors import GuardFailed, InvalidState
from workflow.importing import ImportedNomination
from workflow.lifecycles import campaign_phase
from workflow.services import campaigns, committee, definitions, nominations

SAMPLE = ROOT / "tests" / "data" / "nominations_sample.csv"
QUOTA = [
    campaigns.UnitQuota("nc", "南昌市总工会", 3),
    campaigns.UnitQuota("jt", "省交通运输厅", 2, kind="department"),
    campaigns.UnitQuota("gz", "赣州市总工会", 3),
]


def _set_phase(sf: sessionmaker[Session], campaign_id: int, phase: str) -> None:
    """Walk the campaign through its phases with the lifecycle's writer (decided included)."""
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        while campaign.phase != phase:
            target = campaign_phase.LIFECYCLE.allowed(campaign.phase)[0]
            campaign_phase.move(uow, campaign, target, actor=ADMIN, now=T0)
        uow.commit()


def _phase(sf: sessionmaker[Session], campaign_id: int) -> str:
    with UnitOfWork(sf) as uow:
        return uow.session.get_one(Campaign, campaign_id).phase


def _in_launch(sf: sessionmaker[Session]) -> int:
    """A campaign with its quota table, still in its launch phase."""
    with UnitOfWork(sf) as uow:
        definitions.load_definition(uow, JIANGXI, T0)
    with UnitOfWork(sf) as uow:
        campaign = campaigns.create_campaign(
            uow,
            code="c1",
            title="t",
            definition_name="jiangxi-labour-model",
            reference_date=T0.date(),
            submission_deadline=None,
            actor=ADMIN,
            now=T0,
        )
        campaign_id = campaign.id
    with UnitOfWork(sf) as uow:
        campaigns.set_quota_table(uow, campaign_id, QUOTA, ADMIN, T0)
    return campaign_id


def entry(name: str = "张三") -> ImportedNomination:
    return ImportedNomination(facts(name), "", "main", None, "事迹简介", "", 2)


def test_a_new_campaign_is_launched_and_opens_recommendation_by_advancing(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = _in_launch(sf)
    assert _phase(sf, campaign_id) == "launch"
    with UnitOfWork(sf) as uow:
        assert campaigns.advance_phase(uow, campaign_id, ADMIN, T0) == "recommendation"
    with UnitOfWork(sf) as uow:
        reasons = uow.session.scalars(
            select(AuditEvent.reason).where(AuditEvent.trigger == "advance_phase")
        ).all()
    assert reasons == ["部署启动 → 推荐评审"]
    with UnitOfWork(sf) as uow:
        [payload] = uow.session.scalars(
            select(AuditEvent.payload).where(AuditEvent.trigger == "advance_phase")
        ).all()
    moved = message_from_json(payload[REASON_KEY])
    assert moved.render("en") == "launch → recommendation and review"


def test_no_submission_before_recommendation_opens(sf: sessionmaker[Session]) -> None:
    campaign_id = _in_launch(sf)
    nomination = add(sf, campaign_id)  # drafts may be prepared at launch
    with pytest.raises(GuardFailed) as refused:
        fire(sf, nomination, "submit")
    assert [f.rule for f in refused.value.failures] == ["campaign_phase"]
    assert "处于“部署启动”阶段；报送只能在推荐评审或考察公示阶段进行" in str(refused.value)
    assert "is in the launch phase; submission is allowed only in" in refused.value.text("en")
    assert status(sf, nomination).status == "draft"
    with UnitOfWork(sf) as uow:
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0)
    fire(sf, nomination, "submit")
    assert status(sf, nomination).status == "submitted"


@pytest.mark.parametrize("phase", ["decided", "closed"])
def test_nothing_is_added_once_decided_or_closed(sf: sessionmaker[Session], phase: str) -> None:
    campaign_id = make_campaign(sf)
    _set_phase(sf, campaign_id, phase)
    with (
        UnitOfWork(sf) as uow,
        pytest.raises(InvalidState, match=f"处于“{label('phase', phase)}”阶段"),
    ):
        nominations.import_nominations(uow, campaign_id, SAMPLE, ADMIN, T0)
    with (
        UnitOfWork(sf) as uow,
        pytest.raises(InvalidState, match=f"处于“{label('phase', phase)}”阶段"),
    ):
        nominations.create_nomination(uow, campaign_id, "nc", entry(), ADMIN, T0)
    with (
        UnitOfWork(sf) as uow,
        pytest.raises(InvalidState, match=f"处于“{label('phase', phase)}”阶段"),
    ):
        campaigns.set_quota_table(uow, campaign_id, QUOTA, ADMIN, T0)
    with UnitOfWork(sf) as uow:
        assert uow.session.scalar(select(func.count(Nomination.id))) == 0
        places = uow.session.scalar(select(func.sum(QuotaAllocation.places)))
    assert places == 8  # make_campaign's table, untouched


@pytest.mark.parametrize("phase", ["launch", "recommendation", "inspection_notice"])
def test_before_the_decision_units_may_still_be_changed(
    sf: sessionmaker[Session], phase: str
) -> None:
    campaign_id = _in_launch(sf)
    advance_to(sf, campaign_id, phase)
    with UnitOfWork(sf) as uow:
        nominations.create_nomination(uow, campaign_id, "nc", entry(), ADMIN, T0)
    with UnitOfWork(sf) as uow:
        assert len(nominations.import_nominations(uow, campaign_id, SAMPLE, ADMIN, T0)) == 10
    with UnitOfWork(sf) as uow:
        assert campaigns.set_quota_table(uow, campaign_id, QUOTA[:1], ADMIN, T0) == 3


def test_the_committee_decides_only_in_the_inspection_and_notice_phase(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)  # recommendation is open
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="当前为“推荐评审”"):
        committee.decide(uow, campaign_id, SECRETARY, T0, override_reason="ok")
    to_committee(sf, add(sf, campaign_id))  # the office opened inspection_notice
    with UnitOfWork(sf) as uow:
        committee.decide(uow, campaign_id, SECRETARY, T0, override_reason="ok")
    assert _phase(sf, campaign_id) == "decided"
    with UnitOfWork(sf) as uow:
        assert campaigns.advance_phase(uow, campaign_id, ADMIN, T0) == "closed"
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="已处于“已结束”阶段"):
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0)


def test_advancing_does_not_decide(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    advance_to(sf, campaign_id, "inspection_notice")
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="须由审定决定推进"):
        campaigns.advance_phase(uow, campaign_id, ADMIN, T0)
    assert _phase(sf, campaign_id) == "inspection_notice"
