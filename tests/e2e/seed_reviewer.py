"""A campaign for the reviewers' browser test: a discipline queue long enough to page, most of
it overdue, identity numbers on file, and a discipline and a police reviewer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import ReviewTask
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.e2e.seed import PASSWORD
from tests.integration.flow import TEAM, add, fire
from workflow.services import campaigns, users

# Tasks made at T0 fall due ten working days later; those made at LATER are not yet due NOW.
LATER = T0 + timedelta(days=20)
NOW = T0 + timedelta(days=22)
OVERDUE, NOT_DUE = 6, 2
ID_NUMBER = "360102198001015678"
REVIEWERS = (
    ("jjjc", "纪检审核员", "discipline"),
    ("gongan", "公安审核员", "police"),
)


@dataclass(frozen=True)
class ReviewerSeed:
    campaign_id: int
    overdue: list[int]  # the nominations whose discipline task is overdue
    not_due: list[int]


def _to_joint_review(sf: sessionmaker[Session], nomination_id: int, at: datetime) -> None:
    for trigger, actor in (("submit", ADMIN), ("begin_review", ADMIN), ("pass", TEAM)):
        fire(sf, nomination_id, trigger, actor, at)


def seed_reviewers(sf: sessionmaker[Session]) -> ReviewerSeed:
    """Eight nominees of unit nc in joint review: six since T0 (overdue), two since LATER."""
    quota = [campaigns.UnitQuota("nc", "南昌市总工会", OVERDUE + NOT_DUE)]
    campaign_id = make_campaign(sf, quotas=quota)
    for username, name, department in REVIEWERS:
        with UnitOfWork(sf) as uow:
            users.create_user(
                uow, username=username, display_name=name, password=PASSWORD,
                role="department_reviewer", department=department, actor=ADMIN, now=T0,
            )  # fmt: skip
    names = [f"联审{n}" for n in "甲乙丙丁戊己庚辛"]
    ids = [add(sf, campaign_id, "nc", name, extra={"id_number": ID_NUMBER}) for name in names]
    for index, nid in enumerate(ids):
        _to_joint_review(sf, nid, T0 if index < OVERDUE else LATER)
    return ReviewerSeed(campaign_id, ids[:OVERDUE], ids[OVERDUE:])


def task_of(sf: sessionmaker[Session], nomination_id: int, department: str) -> int:
    """The id of a nomination's task for a department."""
    with UnitOfWork(sf) as uow:
        return int(
            uow.session.scalars(
                select(ReviewTask.id).where(
                    ReviewTask.nomination_id == nomination_id,
                    ReviewTask.department == department,
                )
            ).one()
        )
