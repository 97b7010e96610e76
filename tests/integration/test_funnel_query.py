"""The funnel by stage: how many nominations ever reached each step, from the audit."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.conftest import ADMIN, make_campaign
from tests.integration import flow
from workflow.actors import Actor
from workflow.errors import PermissionDenied
from workflow.queries.funnel import stage_funnel
from workflow.services.campaigns import get_campaign


def test_the_funnel_counts_who_reached_each_step_and_who_is_there(
    sqlite_sf: sessionmaker[Session],
) -> None:
    sf = sqlite_sf
    campaign_id = make_campaign(sf)
    draft = flow.add(sf, campaign_id, "nc", "草稿")
    at_joint = flow.add(sf, campaign_id, "nc", "联审")
    at_notice = flow.add(sf, campaign_id, "gz", "公示")
    withdrawn = flow.add(sf, campaign_id, "gz", "撤回")
    flow.to_joint_review(sf, at_joint)
    flow.to_notice(sf, at_notice)
    flow.fire(sf, withdrawn, "submit")
    flow.fire(sf, withdrawn, "withdraw")
    with UnitOfWork(sf) as uow:
        steps = stage_funnel(uow, flow.TEAM, get_campaign(uow, campaign_id))
    reached = {s.state: s.entered for s in steps}
    now = {s.state: s.now for s in steps}
    assert [s.state for s in steps][:3] == ["draft", "submitted", "qualification"]
    assert steps[-1].state == "awarded"
    assert reached["draft"] == 4 and now["draft"] == 1
    assert reached["submitted"] == 3  # the withdrawn one was submitted first
    assert reached["qualification"] == 2 and reached["joint_review"] == 2
    assert reached["inspection"] == 1 and reached["public_notice"] == 1
    assert now["joint_review"] == 1 and now["public_notice"] == 1
    assert reached["committee"] == 0 and reached["awarded"] == 0
    assert draft  # still a draft: counted once, in draft


@pytest.mark.parametrize(
    "reader",
    [Actor("警", "department_reviewer", department="police"), flow.clerk("nc")],
)
def test_only_report_readers_see_the_funnel(
    sqlite_sf: sessionmaker[Session], reader: Actor
) -> None:
    campaign_id = make_campaign(sqlite_sf)
    with UnitOfWork(sqlite_sf) as uow, pytest.raises(PermissionDenied):
        stage_funnel(uow, reader, get_campaign(uow, campaign_id))
    with UnitOfWork(sqlite_sf) as uow:
        assert stage_funnel(uow, ADMIN, get_campaign(uow, campaign_id))[0].entered == 0
