"""Random action sequences against the real services: the procedure's invariants always hold."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import Engine, Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from models import (
    AuditEvent,
    Deadline,
    HonourRecord,
    Nomination,
    Objection,
    OutboxMessage,
    QuotaAllocation,
    RecommendingUnit,
    ReviewTask,
)
from models.db import make_session_factory
from models.reviews import OBJECTION_OPEN, TASK_CLAIMED, TASK_OPEN
from models.scheduling import PENDING
from models.uow import UnitOfWork
from tests.conftest import ADMIN, JIANGXI, MAYDAY, T0, make_campaign, sqlite_engine
from workflow import audit
from workflow.actors import Actor
from workflow.calendar import WorkingCalendar
from workflow.definition import StageKind
from workflow.errors import GuardFailed, HonorflowError, PermissionDenied, TransitionNotAllowed
from workflow.facts import NomineeFacts, PriorHonour
from workflow.importing import ImportedNomination
from workflow.machine import END_STATES
from workflow.services import campaigns, committee, nominations, objections, reviews, transitions
from workflow.services.definitions import definition_of, machine_of
from workflow.stages.registry import outcomes_of

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
        with UnitOfWork(self.sf) as uow:
            finding = "核查属实" if upheld else "经核查不属实"
            ignore_refusal(
                lambda: objections.resolve_objection(
                    uow, objection_id, upheld, finding, ADMIN, self.now
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
            report = audit.verify(uow.session)
        assert report.ok, report.problem


Procedure.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_random_action_sequences_keep_the_invariants = Procedure.TestCase


# --- a refused transition changes nothing ---------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    status: str
    version: int
    tasks: int
    deadlines: int
    outbox: int
    events: list[tuple[str, str | None, str | None]]


def snapshot(sf: sessionmaker[Session], nomination_id: int) -> Snapshot:
    with UnitOfWork(sf) as uow:
        s = uow.session
        row = s.get_one(Nomination, nomination_id)
        events = s.execute(
            select(AuditEvent.trigger, AuditEvent.from_state, AuditEvent.to_state).order_by(
                AuditEvent.seq
            )
        ).all()
        return Snapshot(
            status=row.status,
            version=row.version,
            tasks=s.scalar(select(func.count(ReviewTask.id))) or 0,
            deadlines=s.scalar(select(func.count(Deadline.id))) or 0,
            outbox=s.scalar(select(func.count(OutboxMessage.id))) or 0,
            events=[(e.trigger, e.from_state, e.to_state) for e in events],
        )


def walk(sf: sessionmaker[Session], nomination_id: int, triggers: list[str], now: datetime) -> None:
    for trigger in triggers:
        with UnitOfWork(sf) as uow:
            transitions.fire(uow, nomination_id, trigger, ADMIN, now)


def complete_all(sf: sessionmaker[Session], nomination_id: int, now: datetime) -> None:
    with UnitOfWork(sf) as uow:
        task_ids = uow.session.scalars(
            select(ReviewTask.id).where(
                ReviewTask.nomination_id == nomination_id, ReviewTask.status == TASK_OPEN
            )
        ).all()
    for task_id in task_ids:
        with UnitOfWork(sf) as uow:
            reviews.complete(uow, task_id, ADMIN, "clear", "无意见", now)


REFUSALS = ["quota", "ineligible", "notice_running", "open_objection", "wrong_clerk"]


@pytest.mark.parametrize("case", REFUSALS)
def test_a_refused_transition_changes_nothing(sf: sessionmaker[Session], case: str) -> None:
    campaign_id = make_campaign(sf, JIANGXI, QUOTAS)
    retired = eligible_facts("丁一", retired=True)
    # nc's front-line alternate lets its enterprise head (nc2) be submitted at all.
    entries = [*ENTRIES[:3], Entry("gz", "alternate", 2, retired), ENTRIES[3]]
    nc1, nc2, nc3, old, _ = add_entries(sf, campaign_id, entries)
    walk(sf, nc1, ["submit"], T0)
    walk(sf, nc2, ["submit"], T0)
    target, trigger, actor, now = nc3, "submit", ADMIN, T0  # "quota": nc holds 2 places
    if case == "ineligible":
        walk(sf, old, ["submit", "begin_review"], T0)
        target, trigger = old, "pass"
    elif case in ("notice_running", "open_objection"):
        walk(sf, nc1, ["begin_review", "pass"], T0)
        complete_all(sf, nc1, T0)
        walk(sf, nc1, ["pass"], T0)
        target, trigger = nc1, "close_notice"
        if case == "open_objection":
            data = objections.ObjectionInput("web", "材料不实", T0.date(), "王五", "13800000000")
            with UnitOfWork(sf) as uow:
                objections.record_objection(uow, nc1, data, ADMIN, T0)
            now = CALENDAR.add_working_days(T0, 6)
    elif case == "wrong_clerk":
        target, actor = nc3, Actor("李四", "unit_clerk", unit_code="jt")
        walk(sf, nc1, ["withdraw"], T0)
    before = snapshot(sf, target)
    with UnitOfWork(sf) as uow, pytest.raises((GuardFailed, PermissionDenied)):
        transitions.fire(uow, target, trigger, actor, now)
    after = snapshot(sf, target)
    assert (after.status, after.version) == (before.status, before.version)
    assert (after.tasks, after.deadlines, after.outbox) == (
        before.tasks,
        before.deadlines,
        before.outbox,
    )
    assert after.events[: len(before.events)] == before.events
    (added,) = after.events[len(before.events) :]
    assert added == (f"refused:{trigger}", before.status, before.status)
    with UnitOfWork(sf) as uow:
        assert audit.verify(uow.session).ok


def test_a_trigger_the_state_does_not_allow_changes_nothing(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf, MAYDAY, QUOTAS)
    (nomination_id,) = add_entries(sf, campaign_id, ENTRIES[:1])
    before = snapshot(sf, nomination_id)
    with UnitOfWork(sf) as uow, pytest.raises(TransitionNotAllowed, match="可执行：报送"):
        transitions.fire(uow, nomination_id, "approve", ADMIN, T0)
    after = snapshot(sf, nomination_id)
    assert (after.status, after.version, after.tasks, after.deadlines, after.outbox) == (
        before.status,
        before.version,
        before.tasks,
        before.deadlines,
        before.outbox,
    )
    assert all(e[0].startswith("refused:") for e in after.events[len(before.events) :])


# --- alternates step up only into a free place ----------------------------------------------


def ranks(sf: sessionmaker[Session], ids: list[int]) -> list[tuple[str, str]]:
    with UnitOfWork(sf) as uow:
        return [(row.rank, row.status) for row in (uow.session.get_one(Nomination, i) for i in ids)]


def test_a_draft_main_leaving_frees_no_place(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf, JIANGXI, QUOTAS)
    ids = add_entries(sf, campaign_id, ENTRIES[:4])  # nc: three mains for 2 places, alternate 1
    main1, main2, draft_main, alternate = ids
    for nomination_id in (main1, main2, alternate):
        walk(sf, nomination_id, ["submit"], T0)
    walk(sf, draft_main, ["withdraw"], T0)
    assert ranks(sf, ids)[3] == ("alternate", "submitted")
    # A main that held a place leaves: the submitted alternate takes it.
    walk(sf, main2, ["withdraw"], T0)
    assert ranks(sf, ids) == [
        ("main", "submitted"),
        ("main", "withdrawn"),
        ("main", "withdrawn"),
        ("main", "submitted"),
    ]


def test_an_alternate_does_not_step_into_another_category(sf: sessionmaker[Session]) -> None:
    quotas = [
        campaigns.UnitQuota("nc", "南昌市总工会", 1, category="front_line_worker"),
        campaigns.UnitQuota("nc", "南昌市总工会", 1, category="enterprise_head"),
    ]
    campaign_id = make_campaign(sf, JIANGXI, quotas)
    worker, head, alternate = add_entries(
        sf,
        campaign_id,
        [
            Entry("nc", "main", None, eligible_facts("甲一")),
            Entry("nc", "main", None, eligible_facts("甲二", category="enterprise_head")),
            Entry("nc", "alternate", 1, eligible_facts("甲三")),
        ],
    )
    for nomination_id in (worker, head, alternate):
        walk(sf, nomination_id, ["submit"], T0)
    walk(sf, head, ["withdraw"], T0)
    # The freed place is an enterprise head's; the front-line places are all taken.
    assert ranks(sf, [worker, head, alternate]) == [
        ("main", "submitted"),
        ("main", "withdrawn"),
        ("alternate", "submitted"),
    ]
    walk(sf, worker, ["withdraw"], T0)
    assert ranks(sf, [alternate]) == [("main", "submitted")]
