"""A campaign whose list waits for the committee: the secretary's pages and their tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.e2e.seed import PASSWORD
from tests.integration.flow import AFTER_NOTICE, BALANCED, VILLAGE_WORKER, add, to_committee
from workflow.services import users

# The pages' clock: a day after the notice closed, when the committee meets.
DECISION_DAY = AFTER_NOTICE + timedelta(days=1)
ACCOUNTS = (
    ("admin", "管理员", "admin", None, None),
    ("zhuanban", "专班审核员", "team_reviewer", "working_team", None),
    ("nc-clerk", "南昌经办人", "unit_clerk", None, "nc"),
    ("secretary", "常委会秘书", "committee_secretary", "committee_office", None),
)
# The one nominee who keeps the women, gig-worker, disability, minority, 科教文卫 and 急难险重
# rules met on her own; 孙立新, a village worker, covers 村(社区)工作者.
KEEPER = BALANCED
NOMINEES = (
    ("nc", "林巧梅", {**KEEPER, "employer": "南昌顺达快递", "ethnicity": "畲族"}),
    ("nc", "赵建国", {"employer": "江铃汽车"}),
    ("gz", "钱志强", {"employer": "赣州稀土集团"}),
    ("gz", "孙立新", {**VILLAGE_WORKER, "employer": "赣南脐橙合作社"}),
    ("jt", "周海平", {"employer": "江西高速公路养护中心"}),
)


@dataclass
class CommitteeSeeded:
    campaign_id: int
    ids: dict[str, int] = field(default_factory=dict)  # nominee name -> nomination id


def seed_committee(sf: sessionmaker[Session]) -> CommitteeSeeded:
    """Campaign jx2026 with five main nominees before the committee and an account per role."""
    campaign_id = make_campaign(sf)
    for username, name, role, department, unit in ACCOUNTS:
        with UnitOfWork(sf) as uow:
            users.create_user(
                uow, username=username, display_name=name, password=PASSWORD, role=role,
                department=department, unit_code=unit, actor=ADMIN, now=T0,
            )  # fmt: skip
    seeded = CommitteeSeeded(campaign_id)
    for unit, name, facts in NOMINEES:
        nominee = add(sf, campaign_id, unit, name, **facts)
        to_committee(sf, nominee)
        seeded.ids[name] = nominee
    return seeded
