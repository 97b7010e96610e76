"""Helpers for the service tests: nominees that pass every rule, and a walk down the procedure."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Campaign, Nomination, RecommendingUnit, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, advance_to
from workflow.actors import Actor
from workflow.facts import NomineeFacts, PriorHonour
from workflow.importing import ImportedNomination
from workflow.services import nominations, reviews, transitions

TEAM = Actor("王审核", "team_reviewer", department="working_team")
SECRETARY = Actor("常委办", "committee_secretary", department="committee_office")


def clerk(unit_code: str) -> Actor:
    return Actor(f"clerk-{unit_code}", "unit_clerk", unit_code=unit_code)


def facts(name: str = "张三", **changes: Any) -> NomineeFacts:
    """A front-line worker who passes every rule of the Jiangxi definition."""
    base = NomineeFacts(
        name=name,
        birth_date=date(1980, 1, 1),
        gender="M",
        employer="江铃汽车",
        employer_type="enterprise",
        ownership="state",
        category="front_line_worker",
        prior_honours=(PriorHonour("南昌市劳动模范", "municipal", 2018),),
        votes_for=90,
        votes_total=100,
        unit_notice_start=date(2025, 11, 3),
        unit_notice_end=date(2025, 11, 10),
    )
    return replace(base, **changes)


def add(
    sf: sessionmaker[Session],
    campaign_id: int,
    unit_code: str = "nc",
    name: str = "张三",
    *,
    rank: str = "main",
    order: int | None = None,
    **changes: Any,
) -> int:
    """A committed draft nomination; returns its id."""
    entry = ImportedNomination(facts(name, **changes), "", rank, order, "事迹简介", "", 2)
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        unit = uow.session.scalars(
            select(RecommendingUnit).where(RecommendingUnit.code == unit_code)
        ).one()
        assert campaign is not None
        nomination = nominations.add_nomination(uow, campaign, unit, entry, ADMIN, T0)
        uow.commit()
        return nomination.id


def fire(
    sf: sessionmaker[Session],
    nomination_id: int,
    trigger: str,
    actor: Actor = ADMIN,
    now: datetime = T0,
    **kwargs: Any,
) -> transitions.TransitionResult:
    with UnitOfWork(sf) as uow:
        return transitions.fire(uow, nomination_id, trigger, actor, now, **kwargs)


def status(sf: sessionmaker[Session], nomination_id: int) -> Nomination:
    """A fresh copy of the nomination (detached, attributes loaded)."""
    with UnitOfWork(sf) as uow:
        row = uow.session.get(Nomination, nomination_id)
        assert row is not None
        uow.session.expunge_all()  # keep the loaded values: leaving the block rolls back
        return row


def open_tasks(sf: sessionmaker[Session], nomination_id: int) -> list[ReviewTask]:
    with UnitOfWork(sf) as uow:
        tasks = list(
            uow.session.scalars(
                select(ReviewTask)
                .where(
                    ReviewTask.nomination_id == nomination_id,
                    ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]),
                )
                .order_by(ReviewTask.id)
            )
        )
        uow.session.expunge_all()
        return tasks


def complete(
    sf: sessionmaker[Session],
    task_id: int,
    outcome: str,
    actor: Actor = ADMIN,
    opinion: str = "同意",
    now: datetime = T0,
) -> transitions.TransitionResult | None:
    with UnitOfWork(sf) as uow:
        return reviews.complete(uow, task_id, actor, outcome, opinion, now)


def count(sf: sessionmaker[Session], model: type, **where: Any) -> int:
    with UnitOfWork(sf) as uow:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return int(uow.session.scalar(query) or 0)


def to_joint_review(sf: sessionmaker[Session], nomination_id: int) -> None:
    """Submit, begin review and pass the qualification check."""
    fire(sf, nomination_id, "submit")
    fire(sf, nomination_id, "begin_review")
    fire(sf, nomination_id, "pass", TEAM)


def clear_joint_review(sf: sessionmaker[Session], nomination_id: int) -> None:
    for task in open_tasks(sf, nomination_id):
        complete(sf, task.id, "clear")


def to_notice(sf: sessionmaker[Session], nomination_id: int) -> None:
    """From draft into the provincial public notice (notice starts at T0)."""
    to_joint_review(sf, nomination_id)
    clear_joint_review(sf, nomination_id)
    fire(sf, nomination_id, "pass", TEAM)
    # The office opens the inspection and notice phase when its list goes under notice.
    advance_to(sf, status(sf, nomination_id).campaign_id, "inspection_notice")


AFTER_NOTICE = T0 + timedelta(days=14)

# A nominee who meets every composition rule of the Jiangxi definition but one on her own:
# a woman, a gig worker (her category implies the flag), disabled, of the Hui minority,
# in 科教文卫 and on an 急难险重 post. The one left, 村(社区)工作者, needs a village worker
# beside her (`add_village_worker`): no single person is both.
BALANCED = {
    "gender": "F",
    "category": "gig_worker",
    "disability": True,
    "ethnicity": "回族",
    "sector": "science_education_culture_health",
    "post": "emergency",
}
VILLAGE_WORKER = {"category": "community_worker", "employer_type": "village"}
# The coverage rules of the Jiangxi definition: a list of one man misses every one.
COVERAGE = {
    "sector_coverage",
    "emergency_coverage",
    "community_coverage",
    "gig_coverage",
    "disability_coverage",
    "minority_coverage",
}


def to_committee(sf: sessionmaker[Session], nomination_id: int) -> None:
    to_notice(sf, nomination_id)
    fire(sf, nomination_id, "close_notice", TEAM, AFTER_NOTICE)


def add_village_worker(sf: sessionmaker[Session], campaign_id: int, unit_code: str = "jt") -> int:
    """A village worker before the committee: with BALANCED, a list that meets every rule."""
    nomination = add(sf, campaign_id, unit_code, "村干部", **VILLAGE_WORKER)
    to_committee(sf, nomination)
    return nomination
