"""A small campaign for the page tests: users of every role, nominations at several stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import add, to_joint_review, to_notice
from workflow.services import users

# The pages' clock: a day after the seeded actions, inside the notice period.
NOW = T0 + timedelta(days=1)
PASSWORD = "secret-pass-1"
# Identity and contact data that must never reach the public notice.
SECRET_ID_NUMBER = "360102198001011234"
SECRET_PHONE = "13907910000"
UNIT_EMAIL = "nc@example.org"
ACCOUNTS = (
    ("admin", "管理员", "admin", None, None),
    ("jjjc", "纪检审核员", "department_reviewer", "discipline", None),
    ("zhuanban", "专班审核员", "team_reviewer", "working_team", None),
    ("nc-clerk", "南昌经办人", "unit_clerk", None, "nc"),
    ("secretary", "常委会秘书", "committee_secretary", "committee_office", None),
)


@dataclass
class Seeded:
    campaign_id: int
    at_joint_review: int
    under_notice: int
    draft: int
    ids: dict[str, int] = field(default_factory=dict)


def seed(sf: sessionmaker[Session]) -> Seeded:
    """Campaign jx2026 with one nominee at joint review, one under notice and one draft."""
    campaign_id = make_campaign(sf)
    for username, name, role, department, unit in ACCOUNTS:
        with UnitOfWork(sf) as uow:
            users.create_user(
                uow, username=username, display_name=name, password=PASSWORD, role=role,
                department=department, unit_code=unit, actor=ADMIN, now=T0,
            )  # fmt: skip
    reviewing = add(sf, campaign_id, "nc", "张联审")
    to_joint_review(sf, reviewing)
    noticed = add(
        sf,
        campaign_id,
        "gz",
        "李公示",
        votes_for=93,
        votes_total=97,
        extra={"id_number": SECRET_ID_NUMBER, "phone": SECRET_PHONE},
    )
    to_notice(sf, noticed)
    draft = add(sf, campaign_id, "nc", "王草稿")
    return Seeded(campaign_id, reviewing, noticed, draft)
