"""The procedure the property tests drive.

Its triggers and states, the nominations put forward, and the shared steps that add and
move them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import RecommendingUnit
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0
from workflow.actors import Actor
from workflow.calendar import WorkingCalendar
from workflow.errors import HonorflowError
from workflow.facts import NomineeFacts, PriorHonour
from workflow.importing import ImportedNomination
from workflow.machine import END_STATES
from workflow.services import campaigns, nominations, transitions

SECRETARY = Actor("秘书", "committee_secretary", department="committee_office")
LEFT = frozenset({"vetoed", "removed", "disqualified", "withdrawn"})
NOT_LIVE = frozenset({"draft", *END_STATES})
TRIGGERS = sorted(
    {
        "submit",
        "begin_review",
        "pass",
        "fail",
        "return_material",
        "resubmit",
        "clear",
        "veto",
        "close_notice",
        "uphold_objection",
        "approve",
        "reject",
        "withdraw",
        "revoke",
    }
)
# The trigger that moves a nomination on from a state outside a review stage.
FORWARD = {
    "draft": "submit",
    "submitted": "begin_review",
    "qualification_returned": "resubmit",
    "public_notice": "close_notice",
}
CALENDAR = WorkingCalendar()
LAST_DAY = datetime(2026, 11, 30, tzinfo=T0.tzinfo)
QUOTAS = [
    campaigns.UnitQuota("nc", "南昌市总工会", 2, email="nc@example.org"),
    campaigns.UnitQuota("jt", "省交通运输厅", 1, kind="department"),
    campaigns.UnitQuota("gz", "赣州市总工会", 1),
]


def eligible_facts(name: str, **changes: object) -> NomineeFacts:
    """A nominee every shipped rule accepts: a clear vote, a unit notice and a prior honour."""
    base = NomineeFacts(
        name=name,
        birth_date=date(1978, 6, 1),
        employer="某某公司",
        votes_for=90,
        votes_total=100,
        unit_notice_start=date(2026, 2, 2),
        unit_notice_end=date(2026, 2, 13),
        prior_honours=(
            PriorHonour("市劳动模范", "municipal", 2020),
            PriorHonour("省五一劳动奖章", "provincial", 2020),
        ),
    )
    return NomineeFacts(**{**base.__dict__, **changes})


@dataclass(frozen=True)
class Entry:
    unit: str
    rank: str
    order: int | None
    facts: NomineeFacts


# Each unit puts forward one main nomination more than its places, plus ordered alternates.
ENTRIES = [
    Entry("nc", "main", None, eligible_facts("甲一")),
    Entry("nc", "main", None, eligible_facts("甲二", category="enterprise_head")),
    Entry("nc", "main", None, eligible_facts("甲三", gender="F")),
    Entry("nc", "alternate", 1, eligible_facts("甲四", gig_worker=True)),
    Entry("nc", "alternate", 2, eligible_facts("甲五", category="technician")),
    Entry("jt", "main", None, eligible_facts("乙一", disability=True)),
    Entry("jt", "main", None, eligible_facts("乙二", gender="F", category="enterprise_head")),
    Entry("jt", "alternate", 1, eligible_facts("乙三")),
]


def add_entries(sf: sessionmaker[Session], campaign_id: int, entries: list[Entry]) -> list[int]:
    """Create the entries as draft nominations in one transaction; returns their ids."""
    with UnitOfWork(sf) as uow:
        campaign = campaigns.get_campaign(uow, campaign_id)
        ids = []
        for row, e in enumerate(entries, start=2):
            unit = uow.session.scalars(
                select(RecommendingUnit).where(RecommendingUnit.code == e.unit)
            ).one()
            entry = ImportedNomination(
                facts=e.facts,
                honor="",
                rank=e.rank,
                alternate_order=e.order,
                summary="事迹简介",
                deeds="主要事迹",
                row=row,
            )
            ids.append(nominations.add_nomination(uow, campaign, unit, entry, ADMIN, T0).id)
        uow.commit()
    return ids


def ignore_refusal(action: Callable[[], object]) -> None:
    """Run a use case; a refusal a person could act on is an allowed outcome here."""
    with contextlib.suppress(HonorflowError):
        action()


def walk(sf: sessionmaker[Session], nomination_id: int, triggers: list[str], now: datetime) -> None:
    for trigger in triggers:
        with UnitOfWork(sf) as uow:
            transitions.fire(uow, nomination_id, trigger, ADMIN, now)
