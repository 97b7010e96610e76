"""The demo stopped mid-way for the web pages: some nominees at joint review, the rest under
public notice with objections, and an account for each role.

It reuses DemoScenario unchanged: it runs the same steps up to the provincial notice, holds
back the answers to some nominations' tasks at every task stage (so the working team has
qualification checks and inspections in its inbox, and the departments a joint-review queue:
a demo that answers every task leaves the reviewers nothing to see), opens the notice
with a few objections (one still waiting for the unit's finding) and stops there. When the
working-day calendar allows, the simulated time is anchored so that the notice is open today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from demo.cast import ADMIN, TEAM
from demo.lookups import CampaignLookups
from demo.scenario import DemoScenario, Progress
from models import Nomination, Objection
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.calendar import SHANGHAI, WorkingCalendar
from workflow.errors import CalendarRangeError
from workflow.services import objections, users

PASSWORD = "honorflow-demo"
# Calendar days from the demo's start to the opening of its notice (26 working days and more).
LEAD_DAYS = 40


# Every N-th nomination's task at these team stages is left unanswered, for the working team.
TEAM_HOLD_BACK = {"qualification": 11, "inspection": 9}


class _HoldingLookups(CampaignLookups):
    """The scenario's lookups, hiding every N-th nomination's tasks of a stage."""

    def __init__(self, sf: sessionmaker[Session], campaign_id: int, every: dict[str, int]) -> None:
        super().__init__(sf, campaign_id)
        self.every = every

    def open_tasks(self, stage: str) -> list[tuple[int, int]]:
        tasks = super().open_tasks(stage)
        every = self.every.get(stage)
        if every is None:
            return tasks
        return [(tid, nid) for tid, nid in tasks if nid % every != 0]


class NoticeScenario(DemoScenario):
    """DemoScenario up to the open provincial notice, with some nominees left at joint review."""

    def __init__(
        self,
        sf: sessionmaker[Session],
        definition: Path,
        seed: int = 2026,
        progress: Progress | None = None,
        *,
        hold_back_every: int = 6,
        today: datetime | None = None,
    ) -> None:
        super().__init__(sf, definition, seed, progress)
        self.hold_back_every = hold_back_every
        if today is not None:
            self.now = anchored_start(self.calendar, today) or self.now

    @property
    def lookups(self) -> CampaignLookups:
        every = {**TEAM_HOLD_BACK, "joint_review": self.hold_back_every}
        return _HoldingLookups(self.sf, self.campaign_id, every)

    def run(self) -> int:
        """Run up to the provincial notice and leave it open."""
        self.launch()
        self.recommend()
        self.submit_all()
        self.advance(1)
        self.begin_review()
        self.qualification()
        self.joint_review()
        self.inspection()
        self.open_notice()
        return self.campaign_id

    def open_notice(self) -> None:
        """Two working days into the notice: a few objections, one waiting for its unit, one
        answered and waiting for the working team, the others answered and dismissed."""
        self.advance(2)
        under_notice = [nid for nid, _ in self.lookups.nominations("public_notice")]
        objected = under_notice[::12][:4]
        ids = [self._object(nid) for nid in objected]
        for index, (objection_id, nid) in enumerate(zip(ids, objected, strict=True)):
            if index == 0:
                continue  # waits for its unit's answer
            code = self.lookups.unit_code(nid)
            clerk = Actor(f"{code}经办人", "unit_clerk", unit_code=code)
            with self.uow() as uow:
                finding = "经核实，反映问题不属实，已书面答复"
                objections.answer_objection(uow, objection_id, finding, clerk, self.now)
            if index == 1:
                continue  # waits for the working team's decision
            with self.uow() as uow:
                reason = "核查报告说明清楚，异议不属实"
                objections.decide_objection(uow, objection_id, "dismissed", reason, TEAM, self.now)


def anchored_start(calendar: WorkingCalendar, today: datetime) -> datetime | None:
    """A start LEAD_DAYS before today, if the calendar knows every day the demo will count."""
    start = datetime.combine((today - timedelta(days=LEAD_DAYS)).date(), time(9, 0), SHANGHAI)
    try:
        calendar.add_working_days(start, 40)  # the demo and its deadlines stay inside this
    except CalendarRangeError:
        return None
    return start


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    department: str | None = None
    unit_code: str | None = None


def demo_accounts(sf: sessionmaker[Session], campaign_id: int) -> list[DemoAccount]:
    """One account per role; the clerk belongs to the unit whose objection waits for it."""
    with UnitOfWork(sf) as uow:
        waiting = uow.session.scalars(
            select(Nomination)
            .join(Objection, Objection.nomination_id == Nomination.id)
            .where(Nomination.campaign_id == campaign_id, Objection.status == "open")
            .limit(1)
        ).first()
        unit = waiting.unit.code if waiting else None
        if unit is None:
            unit = (
                uow.session.scalars(
                    select(Nomination).where(Nomination.campaign_id == campaign_id).limit(1)
                )
                .one()
                .unit.code
            )
    return [
        DemoAccount("admin", "省功勋办管理员", "admin"),
        DemoAccount("zhuanban", "专班审核员", "team_reviewer", "working_team"),
        DemoAccount("jjjc", "纪检监察审核员", "department_reviewer", "discipline"),
        DemoAccount("clerk", "推荐单位经办人", "unit_clerk", unit_code=unit),
        DemoAccount("secretary", "常委会秘书", "committee_secretary", "committee_office"),
    ]


def create_demo_users(
    sf: sessionmaker[Session], campaign_id: int, now: datetime
) -> list[DemoAccount]:
    """Create the demo accounts (password PASSWORD); returns them."""
    accounts = demo_accounts(sf, campaign_id)
    for a in accounts:
        with UnitOfWork(sf) as uow:
            users.create_user(
                uow, username=a.username, display_name=a.display_name, password=PASSWORD,
                role=a.role, department=a.department, unit_code=a.unit_code, actor=ADMIN,
                now=now,
            )  # fmt: skip
    return accounts
