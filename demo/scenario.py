"""The demo: a whole provincial campaign run through every stage by simulated people and time."""

from __future__ import annotations

import random
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from demo.cast import ADMIN, SECRETARY, TEAM, VETO_REASONS, DemoLog, clerk
from demo.lookups import CampaignLookups
from demo.population import DemoUnit, PopulationGenerator, demo_units
from models import Nomination
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.calendar import SHANGHAI, WorkingCalendar
from workflow.errors import GuardFailed, HonorflowError
from workflow.services import (
    campaigns,
    committee,
    deadlines,
    definitions,
    nominations,
    objections,
    reviews,
)
from workflow.services.transitions import fire

# A phase's code, its steps done and the steps known so far (0: none known yet).
Progress = Callable[[str, int, int], None]
PhaseDone = Callable[[str, float], None]  # a phase's code and the seconds it took


class PhaseCount:
    """How far the running phase has got, told to the progress callback at each step.

    A phase may learn of more work as it goes (qualification's second pass over the files that
    came back, the slow department's late answers), so its total grows with each `expect`.
    """

    def __init__(self, phase: str, report: Progress) -> None:
        self.phase, self.report = phase, report
        self.done = self.total = 0
        report(phase, 0, 0)  # begun, its size not known yet

    def expect(self, steps: int) -> None:
        self.total += steps
        self.report(self.phase, self.done, self.total)

    def step(self) -> None:
        self.done += 1
        self.report(self.phase, self.done, self.total)


class DemoScenario:
    """Drives one campaign from launch to decision with a seeded random source."""

    def __init__(
        self,
        sf: sessionmaker[Session],
        definition: Path,
        seed: int = 2026,
        progress: Progress | None = None,
        units: list[DemoUnit] | None = None,
        phase_done: PhaseDone | None = None,
    ) -> None:
        self.sf, self.definition, self.rng = sf, definition, random.Random(seed)
        self.people = PopulationGenerator(seed)
        self.calendar = WorkingCalendar()
        self.now = datetime.combine(date(2026, 3, 2), time(9, 0), SHANGHAI)
        self.progress = progress or (lambda _stage, _done, _total: None)
        self.log = DemoLog()
        self.units = units if units is not None else demo_units()
        self.phase_done = phase_done or (lambda _phase, _seconds: None)
        # run() starts a count per phase; a phase method called on its own counts for nobody.
        self.count = PhaseCount("", lambda _phase, _done, _total: None)
        self.campaign_id = 0
        self.slow_department: str | None = None

    def advance(self, working_days: int) -> None:
        """Move the simulated clock on by working days (to 10:00 local on the day reached).

        The deadline sweep runs at the new time, as the beat would have run it every minute
        in between: reminders, escalations, lapsed returns and notices ending all happen here.
        """
        end = self.calendar.add_working_days(self.now, working_days).astimezone(SHANGHAI)
        self.now = datetime.combine(end.date(), time(10, 0), SHANGHAI)
        with self.uow() as uow:
            self.log.deadlines_fired.update(deadlines.sweep(uow, self.now).kinds)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sf)

    @property
    def lookups(self) -> CampaignLookups:
        """Queries on the campaign being run (launch() sets its id)."""
        return CampaignLookups(self.sf, self.campaign_id)

    def run(self) -> int:
        """Run the campaign through every stage; returns the campaign id."""
        phases: list[tuple[str, Callable[[], None]]] = [
            ("launch", self.launch),
            ("recommendation", self.recommend),
            ("submission", self.submit_all),
            ("begin_review", self.begin_review),
            ("qualification", self.qualification),
            ("joint_review", self.joint_review),  # inspection follows each nominee's clearance
            ("public_notice", self.public_notice),
            ("decision", self.decide),
            ("revocation", self.revoke_one),
        ]
        for name, phase in phases:
            started = clock.perf_counter()
            self.count = PhaseCount(name, self.progress)
            phase()
            self.phase_done(name, clock.perf_counter() - started)
        return self.campaign_id

    def launch(self) -> None:
        with self.uow() as uow:
            definitions.load_definition(uow, self.definition, self.now)
        with self.uow() as uow:
            campaign = campaigns.create_campaign(
                uow,
                code="jx-2026",
                title="2026年江西省劳动模范和先进工作者评选表彰",
                definition_name="jiangxi-labour-model",
                reference_date=date(2026, 3, 1),
                submission_deadline=self.calendar.add_working_days(self.now, 5),
                actor=ADMIN,
                now=self.now,
            )
            self.campaign_id = campaign.id
        rows = [
            campaigns.UnitQuota(u.code, u.name, u.places, kind=u.kind, email=u.email)
            for u in self.units
        ]
        with self.uow() as uow:
            campaigns.set_quota_table(uow, self.campaign_id, rows, ADMIN, self.now)
        with self.uow() as uow:
            campaigns.advance_phase(uow, self.campaign_id, ADMIN, self.now)

    def recommend(self) -> None:
        """Each unit fills in its form; a few nominees are ineligible, one unit asks too much."""
        self.count.expect(len(self.units))
        for index, unit in enumerate(self.units):
            # The first unit puts forward one main nominee more than its places.
            entries = self.people.nominations_for(unit, "", over_quota=index == 0)
            for i, entry in enumerate(entries if index else []):  # the first unit's are all sound
                roll = self.rng.random()
                if roll < 0.07:
                    entries[i], kind = self.people.spoil(entry)
                    self.log.spoiled[kind] += 1
                elif roll < 0.10:
                    entries[i] = self.people.weaken_recommendation(entry)
            with self.uow() as uow:
                campaign = campaigns.get_campaign(uow, self.campaign_id)
                db_unit = campaigns.ensure_unit(uow, unit.code, unit.name)
                for entry in entries:
                    nominations.add_nomination(uow, campaign, db_unit, entry, clerk(unit), self.now)
                uow.commit()
            self.count.step()

    def submit_all(self) -> None:
        by_unit = {u.code: u for u in self.units}
        drafts = self.lookups.nominations("draft", order=(Nomination.rank.desc(),))
        self.count.expect(len(drafts))
        for nid, unit_code in drafts:
            try:
                self._fire(nid, "submit", clerk(by_unit[unit_code]))
            except GuardFailed as refused:
                for failure in refused.failures:
                    self.log.refused_at_submission[failure.rule] += 1
            self.count.step()

    def begin_review(self) -> None:
        """A working day after submissions close, the working team opens every file."""
        self.advance(1)
        submitted = self.lookups.nominations("submitted")
        self.count.expect(len(submitted))
        for nid, _ in submitted:
            self._fire(nid, "begin_review", TEAM)
            self.count.step()

    def qualification(self) -> None:
        """The working team checks each file: pass, fail with the rules' reasons, or return."""
        self.advance(4)
        returned = []
        first_pass = self.lookups.open_tasks("qualification")
        self.count.expect(len(first_pass))
        for task_id, nid in first_pass:
            if self.rng.random() < 0.04:
                self._complete(task_id, TEAM, "return", "请补充近五年主要事迹的证明材料")
                returned.append(nid)
            else:
                self._pass_or_fail(task_id)
            self.count.step()
        self.advance(2)
        self._answer_prompt_departments()
        by_code = {u.code: u for u in self.units}
        self.count.expect(len(returned))
        for index, nid in enumerate(returned):
            if index % 4 != 3:  # every fourth unit never answers
                self._fire(nid, "resubmit", clerk(by_code[self.lookups.unit_code(nid)]))
            self.count.step()
        self.advance(4)  # past the material deadline: the sweep withdraws the silent ones
        second_pass = self.lookups.open_tasks("qualification")
        self.count.expect(len(second_pass))
        for task_id, _ in second_pass:
            self._pass_or_fail(task_id)
            self.count.step()

    def _pass_or_fail(self, task_id: int) -> None:
        try:
            self._complete(task_id, TEAM, "pass", "资格审查通过")
        except GuardFailed as refused:
            for failure in refused.failures:
                self.log.failed_qualification[failure.rule] += 1
            self._complete(task_id, TEAM, "fail", "; ".join(str(f) for f in refused.failures))

    def joint_review(self) -> None:
        """Every routed department answers; one is slow, so it is reminded and escalated."""
        self._answer_prompt_departments()  # departments answer as files arrive
        self.advance(1)
        self._answer_prompt_departments()
        self.inspection()  # the inspection team visits those already cleared
        for _ in range(3):  # the slow one: last reminders, then overdue and escalated
            self.advance(2)
        self._answer_joint_review(self.lookups.open_tasks("joint_review"))
        self.inspection()

    def _answer_prompt_departments(self) -> None:
        tasks = self.lookups.open_tasks("joint_review")
        department_of = self.lookups.departments("joint_review")
        departments = {department_of[t] for t, _ in tasks}
        if self.slow_department is None and departments:
            # Not discipline or police: every nominee waits on those two.
            self.slow_department = self.rng.choice(sorted(departments - {"discipline", "police"}))
        prompt = [t for t in tasks if department_of[t[0]] != self.slow_department]
        self._answer_joint_review(prompt, department_of)

    def _answer_joint_review(
        self, tasks: list[tuple[int, int]], department_of: dict[int, str] | None = None
    ) -> None:
        department_of = department_of or self.lookups.departments("joint_review")
        self.count.expect(len(tasks))
        for task_id, _ in tasks:
            department = department_of[task_id]
            reviewer = Actor(f"{department}-审核员", "department_reviewer", department)
            try:
                if self.rng.random() < 0.012:
                    self._complete(
                        task_id, reviewer, "object", VETO_REASONS.get(department, "不同意")
                    )
                else:
                    self._complete(task_id, reviewer, "clear", "经核查，无不良记录，同意推荐")
            except HonorflowError:
                pass  # the nomination left the stage (vetoed by another department) first
            self.count.step()

    def inspection(self) -> None:
        tasks = self.lookups.open_tasks("inspection")
        self.count.expect(len(tasks))
        for task_id, _ in tasks:
            if self.rng.random() < 0.01:
                self._complete(task_id, TEAM, "fail", "考察发现群众基础较差")
            else:
                self._complete(task_id, TEAM, "pass", "考察组实地考察，情况属实")
            self.count.step()

    def public_notice(self) -> None:
        """Five working days of notice; objections arrive, units investigate and answer, the
        working team decides, then it closes."""
        self.advance(2)
        under_notice = self.lookups.nominations("public_notice")
        objected = [nid for nid, _ in under_notice if self.rng.random() < 0.04]
        self.count.expect(len(objected))
        objection_ids = [self._object(nid) for nid in objected]
        self.advance(2)
        by_code = {u.code: u for u in self.units}
        for objection_id, nid in zip(objection_ids, objected, strict=True):
            upheld = self.rng.random() < 0.4
            finding = "经核实，反映问题属实" if upheld else "经核实，反映问题不属实，已书面答复"
            unit_clerk = clerk(by_code[self.lookups.unit_code(nid)])
            with self.uow() as uow:  # the unit investigates and answers with its findings
                objections.answer_objection(uow, objection_id, finding, unit_clerk, self.now)
            outcome = "upheld" if upheld else "dismissed"
            reason = "核查报告证据充分，异议属实" if upheld else "核查报告说明清楚，异议不属实"
            with self.uow() as uow:  # the working team decides on the answer
                objections.decide_objection(uow, objection_id, outcome, reason, TEAM, self.now)
            self.count.step()
        self.advance(2)  # the notice's days are over: the sweep closes it for each nominee

    def _object(self, nid: int) -> int:
        letter = self.rng.random() < 0.5
        data = objections.ObjectionInput(
            source="letter" if letter else "phone",
            content="反映该同志事迹材料存在夸大情况",
            received_on=self.now.date(),
            reporter_name="张某某",
            contact="0791-8888" + f"{self.rng.randint(1000, 9999)}",
        )
        with self.uow() as uow:
            return objections.record_for_team(uow, TEAM, nid, data, self.now).id

    def decide(self) -> None:
        """The committee approves the list; a composition shortfall needs a recorded override."""
        self.advance(5)
        with self.uow() as uow:
            campaigns.advance_phase(uow, self.campaign_id, ADMIN, self.now)
        try:
            with self.uow() as uow:
                result = committee.decide(uow, self.campaign_id, SECRETARY, self.now)
        except GuardFailed as refused:
            self.log.decision["refused_first"] = [str(f) for f in refused.failures]
            with self.uow() as uow:
                result = committee.decide(
                    uow,
                    self.campaign_id,
                    SECRETARY,
                    self.now,
                    override_reason="常委会审定：结构比例差额经研究同意，记录在案",
                )
        self.log.decision.update(
            awarded=len(result.awarded),
            not_approved=len(result.not_approved),
            override=result.override,
        )

    def revoke_one(self) -> None:
        """Months later, fraud comes to light for one honouree."""
        self.advance(20)
        awarded = self.lookups.nominations("awarded")
        if awarded:
            with self.uow() as uow:
                committee.revoke(
                    uow, awarded[-1][0], "查实申报材料弄虚作假，撤销称号", ADMIN, self.now
                )

    # -- helpers ---------------------------------------------------------------------------

    def _fire(self, nid: int, trigger: str, actor: Actor, reason: str | None = None) -> None:
        with self.uow() as uow:
            fire(uow, nid, trigger, actor, self.now, reason=reason)

    def _complete(self, task_id: int, actor: Actor, outcome: str, opinion: str) -> None:
        with self.uow() as uow:
            reviews.complete(uow, task_id, actor, outcome, opinion, self.now)
