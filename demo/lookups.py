"""What the demo reads back about its campaign: nominations, open review tasks, their owners."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Nomination, RecommendingUnit, ReviewTask
from models.reviews import TASK_CLAIMED, TASK_OPEN
from models.uow import UnitOfWork


class CampaignLookups:
    """Read-only queries on one campaign, each in a unit of work of its own."""

    def __init__(self, sf: sessionmaker[Session], campaign_id: int) -> None:
        self.sf, self.campaign_id = sf, campaign_id

    def nominations(self, status: str, order: tuple[object, ...] = ()) -> list[tuple[int, str]]:
        """(id, recommending unit code) of the campaign's nominations in `status`."""
        with UnitOfWork(self.sf) as uow:
            query = (
                select(Nomination.id, RecommendingUnit.code)
                .join(RecommendingUnit, Nomination.unit_id == RecommendingUnit.id)
                .where(Nomination.campaign_id == self.campaign_id, Nomination.status == status)
                # NULLS FIRST spelled out: main nominees have no alternate order, and SQLite
                # sorts NULL first where PostgreSQL sorts it last, so the two ran in other orders.
                .order_by(*order, Nomination.alternate_order.asc().nulls_first(), Nomination.id)  # type: ignore[arg-type]
            )
            return [(row[0], row[1]) for row in uow.session.execute(query)]

    def open_tasks(self, stage: str) -> list[tuple[int, int]]:
        """(task id, nomination id) of the stage's open or claimed tasks, soonest due first."""
        with UnitOfWork(self.sf) as uow:
            rows = uow.session.execute(
                select(ReviewTask.id, ReviewTask.nomination_id)
                .where(
                    ReviewTask.campaign_id == self.campaign_id,
                    ReviewTask.stage == stage,
                    ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]),
                )
                .order_by(ReviewTask.due_at, ReviewTask.id)
            )
            return [(row[0], row[1]) for row in rows]

    def departments(self, stage: str) -> dict[int, str]:
        """The department of each of the stage's tasks, by task id, in one read (a task's
        department never changes; one read per task was most of a national joint review)."""
        with UnitOfWork(self.sf) as uow:
            rows = uow.session.execute(
                select(ReviewTask.id, ReviewTask.department).where(
                    ReviewTask.campaign_id == self.campaign_id, ReviewTask.stage == stage
                )
            )
            return {row[0]: row[1] for row in rows}

    def unit_code(self, nid: int) -> str:
        """The code of the unit that recommended nomination `nid`."""
        with UnitOfWork(self.sf) as uow:
            nomination = uow.session.get(Nomination, nid)
            assert nomination is not None
            return nomination.unit.code
