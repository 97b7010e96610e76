"""Random action sequences against the real services: the procedure's invariants always hold."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import Engine, Select, func, select

from models import (
    AuditEvent,
    Deadline,
    HonourRecord,
    Nomination,
    Objection,
    QuotaAllocation,
    ReviewTask,
)
from models.db import make_session_factory
from models.reviews import OBJECTION_OPEN, TASK_CLAIMED, TASK_OPEN
from models.scheduling import PENDING
from models.uow import UnitOfWork
from tests.conftest import ADMIN, JIANGXI, MAYDAY, T0, make_campaign, sqlite_engine
from tests.integration.procedure_model import (
    CALENDAR,
    ENTRIES,
    FORWARD,
    LAST_DAY,
    LEFT,
    NOT_LIVE,
    QUOTAS,
    SECRETARY,
    TRIGGERS,
    add_entries,
    ignore_refusal,
)
from workflow import audit_verify
from workflow.definition import StageKind
from workflow.services import committee, objections, reviews, transitions
from workflow.services.definitions import definition_of, machine_of
from workflow.stages.registry import outcomes_of


class Procedure(RuleBasedStateMachine):
    """A small campaign driven by random actions of administrators, reviewers and the public."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="honorflow-prop-"))
        self.engine: Engine = sqlite_engine(self.tmp)
        self.sf = make_session_factory(self.engine)
        self.now = T0
        self.campaign_id = 0
        self.ids: list[int] = []

    @initialize(definition=st.sampled_from([JIANGXI, MAYDAY]))
    def launch(self, definition: Path) -> None:
        self.campaign_id = make_campaign(self.sf, definition, QUOTAS)
        self.ids = add_entries(self.sf, self.campaign_id, ENTRIES)

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- actions ------------------------------------------------------------------------------

    def _fire(self, nomination_id: int, trigger: str) -> None:
        with UnitOfWork(self.sf) as uow:
            ignore_refusal(
                lambda: transitions.fire(
                    uow, nomination_id, trigger, ADMIN, self.now, reason="随机操作"
                )
            )

    @rule(index=st.integers(0, len(ENTRIES) - 1), trigger=st.sampled_from(TRIGGERS))
    def fire_any_trigger(self, index: int, trigger: str) -> None:
        self._fire(self.ids[index], trigger)

    def _push(self, nomination_id: int) -> None:
        """Take the nomination one step along the happy path, as its reviewers would."""
        with UnitOfWork(self.sf) as uow:
            row = uow.session.get_one(Nomination, nomination_id)
            stage = definition_of(row.definition).stage_of_state(row.status)
            status = row.status
            task_id = uow.session.scalars(
                select(ReviewTask.id)
                .where(
                    ReviewTask.nomination_id == nomination_id,
                    ReviewTask.stage == status,
                    ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]),
                )
                .order_by(ReviewTask.id)
                .limit(1)
            ).first()
        if stage is not None and stage.kind is StageKind.JOINT_REVIEW:
            if task_id is not None:
                with UnitOfWork(self.sf) as uow:
                    ignore_refusal(
                        lambda: reviews.complete(uow, task_id, ADMIN, "clear", "无意见", self.now)
                    )
        elif status in FORWARD:
            self._fire(nomination_id, FORWARD[status])
        elif stage is not None and stage.kind in (StageKind.TEAM_REVIEW, StageKind.INSPECTION):
            self._fire(nomination_id, "pass")

    @rule(index=st.integers(0, len(ENTRIES) - 1))
    def push_one_forward(self, index: int) -> None:
        self._push(self.ids[index])

    @rule()
    def push_everyone_forward(self) -> None:
        for nomination_id in self.ids:
            self._push(nomination_id)

    @rule(index=st.integers(0, len(ENTRIES) - 1), data=st.data())
    def fire_an_allowed_trigger(self, index: int, data: st.DataObject) -> None:
        nomination_id = self.ids[index]
        with UnitOfWork(self.sf) as uow:
            row = uow.session.get_one(Nomination, nomination_id)
            allowed = machine_of(row.definition).allowed_triggers(row.status)
        if allowed:
            self._fire(nomination_id, data.draw(st.sampled_from(allowed), label="trigger"))

    @rule(
        index=st.integers(0, len(ENTRIES) - 1),
        trigger=st.sampled_from(["submit", "withdraw", "resubmit"]),
    )
    def unit_acts(self, index: int, trigger: str) -> None:
        # What a recommending unit does, drawn often: quota and alternates hinge on it.
        self._fire(self.ids[index], trigger)

    def _exists(self, query: Select[Any]) -> bool:
        with UnitOfWork(self.sf) as uow:
            return uow.session.scalars(query.limit(1)).first() is not None

    def _any_in(self, *states: str) -> bool:
        return self._exists(select(Nomination.id).where(Nomination.status.in_(states)))

    # Preconditions keep the steps on actions that can do something in the current state.
    @precondition(
        lambda self: self._exists(
            select(ReviewTask.id).where(ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]))
        )
    )
    @rule(pick=st.integers(0, 50), data=st.data())
    def complete_a_task(self, pick: int, data: st.DataObject) -> None:
        with UnitOfWork(self.sf) as uow:
            tasks = uow.session.scalars(
                select(ReviewTask)
                .where(ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED]))
                .order_by(ReviewTask.id)
            ).all()
            if not tasks:
                return
            task = tasks[pick % len(tasks)]
            row = uow.session.get_one(Nomination, task.nomination_id)
            kind = definition_of(row.definition).stage(task.stage).kind
            task_id = task.id
        # The forward outcome is drawn as often as all the others together.
        choices = sorted(outcomes_of(kind))
        forward = "clear" if kind is StageKind.JOINT_REVIEW else "pass"
        choices += [forward] * (len(choices) - 1)
        outcome = data.draw(st.sampled_from(choices), label="outcome")
        with UnitOfWork(self.sf) as uow:
            ignore_refusal(
                lambda: reviews.complete(uow, task_id, ADMIN, outcome, "审核意见", self.now)
            )

    @precondition(lambda self: self._any_in("public_notice"))
    @rule(index=st.integers(0, len(ENTRIES) - 1), by_unit=st.booleans())
    def record_an_objection(self, index: int, by_unit: bool) -> None:
        data = objections.ObjectionInput(
            source="letter" if by_unit else "phone",
            content="反映该同志事迹材料不实",
            received_on=self.now.date(),
            reporter_name=None if by_unit else "王五",
            contact=None if by_unit else "13800000000",
            unit_stamp="某单位（盖章）" if by_unit else None,
        )
        with UnitOfWork(self.sf) as uow:
            ignore_refusal(
                lambda: objections.record_objection(uow, self.ids[index], data, ADMIN, self.now)
            )

    @precondition(
        lambda self: self._exists(select(Objection.id).where(Objection.status == OBJECTION_OPEN))
    )
    @rule(pick=st.integers(0, 20), upheld=st.booleans())
    def resolve_an_objection(self, pick: int, upheld: bool) -> None:
        with UnitOfWork(self.sf) as uow:
            open_ids = uow.session.scalars(
                select(Objection.id)
                .where(Objection.status == OBJECTION_OPEN)
                .order_by(Objection.id)
            ).all()
        if not open_ids:
            return
        objection_id = open_ids[pick % len(open_ids)]
        finding = "核查属实" if upheld else "经核查不属实"
        with UnitOfWork(self.sf) as uow:
            ignore_refusal(
                lambda: objections.answer_objection(uow, objection_id, finding, ADMIN, self.now)
            )
        outcome = "upheld" if upheld else "dismissed"
        with UnitOfWork(self.sf) as uow:
            ignore_refusal(
                lambda: objections.decide_objection(
                    uow, objection_id, outcome, finding, ADMIN, self.now
                )
            )

    @precondition(lambda self: self.now < LAST_DAY and self._any_in("public_notice"))
    @rule(days=st.integers(1, 8))
    def advance_the_clock(self, days: int) -> None:
        self.now = CALENDAR.add_working_days(self.now, days)

    @precondition(lambda self: self._any_in("committee"))
    @rule(override=st.booleans(), except_first=st.booleans())
    def committee_decides(self, override: bool, except_first: bool) -> None:
        with UnitOfWork(self.sf) as uow:
            before = uow.session.scalars(
                select(Nomination.id)
                .where(Nomination.status == "committee")
                .order_by(Nomination.id)
            ).all()
        exceptions = {before[0]: "常委会未通过"} if before and except_first else None
        with UnitOfWork(self.sf) as uow:
            ignore_refusal(
                lambda: committee.decide(
                    uow,
                    self.campaign_id,
                    SECRETARY,
                    self.now,
                    exceptions=exceptions,
                    override_reason="常委会研究同意" if override else None,
                )
            )

    # --- invariants ---------------------------------------------------------------------------

    @invariant()
    def nobody_who_left_is_awarded(self) -> None:
        with UnitOfWork(self.sf) as uow:
            s = uow.session
            left = set(
                s.scalars(
                    select(AuditEvent.nomination_id).where(
                        AuditEvent.to_state.in_(LEFT), AuditEvent.from_state != AuditEvent.to_state
                    )
                )
            )
            awarded_events = set(
                s.scalars(select(AuditEvent.nomination_id).where(AuditEvent.to_state == "awarded"))
            )
            awarded = select(Nomination.id).where(Nomination.status == "awarded")
            awarded_now = set(s.scalars(awarded))
            in_registry = set(s.scalars(select(HonourRecord.nomination_id)))
        assert not left & awarded_events, f"left and awarded: {left & awarded_events}"
        assert not left & awarded_now
        assert not left & in_registry

    @invariant()
    def live_main_nominations_fit_the_quota(self) -> None:
        with UnitOfWork(self.sf) as uow:
            s = uow.session
            places = dict(
                s.execute(
                    select(QuotaAllocation.unit_id, func.sum(QuotaAllocation.places)).group_by(
                        QuotaAllocation.unit_id
                    )
                ).all()
            )
            live = Counter(
                s.scalars(
                    select(Nomination.unit_id).where(
                        Nomination.rank == "main", Nomination.status.not_in(NOT_LIVE)
                    )
                )
            )
            detail = s.execute(
                select(Nomination.id, Nomination.unit_id, Nomination.rank, Nomination.status)
            ).all()
        for unit_id, count in live.items():
            assert count <= places[unit_id], f"unit {unit_id}: {count} live mains: {detail}"

    @invariant()
    def open_work_belongs_to_the_current_state(self) -> None:
        with UnitOfWork(self.sf) as uow:
            s = uow.session
            status = dict(s.execute(select(Nomination.id, Nomination.status)).all())
            tasks = s.execute(
                select(ReviewTask.nomination_id, ReviewTask.stage).where(
                    ReviewTask.status.in_([TASK_OPEN, TASK_CLAIMED])
                )
            ).all()
            pending = s.execute(
                select(Deadline.nomination_id, Deadline.stage, Deadline.kind).where(
                    Deadline.status == PENDING, Deadline.nomination_id.is_not(None)
                )
            ).all()
        for nomination_id, stage in tasks:
            assert status[nomination_id] == stage, (nomination_id, stage, status[nomination_id])
        for owner, state, kind in pending:
            assert owner is not None
            assert status[owner] == state, (owner, kind, status[owner])

    @invariant()
    def the_audit_chain_holds(self) -> None:
        with UnitOfWork(self.sf) as uow:
            report = audit_verify.verify(uow.session)
        assert report.ok, report.problem


Procedure.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_action_sequences_keep_the_invariants = Procedure.TestCase
