"""Review workload per department: tasks open, being worked, done and overdue.

Overdue is a live task (open or claimed) past its due time, as the administrators'
dashboard counts it (`workflow.queries.campaigns.overdue_by_department`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select

from models import ReviewTask
from models.reviews import TASK_CLAIMED, TASK_DONE, TASK_OPEN
from models.uow import UnitOfWork
from workflow.access.gates import require_role
from workflow.actors import Actor

# Who may read every department's workload: the working team (and administrators).
WORKLOAD_ROLES = ("team_reviewer",)


@dataclass(frozen=True)
class Workload:
    """One department's tasks in a campaign."""

    department: str
    open: int
    claimed: int
    done: int
    overdue: int
    oldest_due: datetime | None  # the earliest due time among its live tasks

    @property
    def total(self) -> int:
        """Every task counted (cancelled ones are not)."""
        return self.open + self.claimed + self.done


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def workload(uow: UnitOfWork, actor: Actor, campaign_id: int, now: datetime) -> list[Workload]:
    """Tasks per department, by department code (the working team and administrators)."""
    require_role(actor, *WORKLOAD_ROLES)
    live = ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED])
    rows = uow.session.execute(
        select(
            ReviewTask.department,
            _count(ReviewTask.status == TASK_OPEN),
            _count(ReviewTask.status == TASK_CLAIMED),
            _count(ReviewTask.status == TASK_DONE),
            _count(and_(live, ReviewTask.due_at < now)),
            func.min(case((live, ReviewTask.due_at), else_=None), type_=ReviewTask.due_at.type),
        )
        .where(ReviewTask.campaign_id == campaign_id)
        .group_by(ReviewTask.department)
        .order_by(ReviewTask.department)
    ).all()
    return [
        Workload(str(d), int(o or 0), int(c or 0), int(n or 0), int(late or 0), due)
        for d, o, c, n, late, due in rows
    ]
