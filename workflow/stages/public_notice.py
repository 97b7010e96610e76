"""Public notice (公示): N working days in public, objections investigated by the unit.

An objection is answered by the recommending unit (its findings) and decided by the working
team; the nominee is removed (`uphold_objection`) only on such a decision: the
`investigated_objection` guard refuses any other removal, fired from wherever.

When a notice ends is decided here and only here: it ends when its `notice_end` deadline
has fired and no objection is open — at the deadline (`end_notice`), or later when the
last open objection is dismissed (`close_notice_if_over`). The `close_notice` edge checks
the same two things (`notice_period_over`, `no_open_objection`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import ClassVar

from sqlalchemy import bindparam, func, select

from config.catalogue import Label, Message, msg
from models import Deadline, Nomination, Objection
from models.reviews import OBJECTION_OPEN, OBJECTION_UPHELD
from models.scheduling import FIRED
from models.uow import UnitOfWork
from workflow.actors import SYSTEM
from workflow.definition import StageKind, StageSpec
from workflow.errors import RuleFailure
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles import objection as objection_lifecycle
from workflow.lifecycles.deadline import NewDeadline
from workflow.messages import beijing
from workflow.repository import lock_nomination
from workflow.stages.base import Action, Apply, Guard, StageBehaviour
from workflow.stages.tasks import because
from workflow.states import CLOSED_STATES, TransitionSpec
from workflow.step import Step, load_calendar

NOTICE_END, ANSWER_DUE = "notice_end", "objection_answer_due"
DEFAULT_ANSWER_DAYS = 5


def open_objections(uow: UnitOfWork, nomination_id: int) -> int:
    """How many objections to the nomination are still under investigation or undecided."""
    return uow.session.scalar(_OPEN_OBJECTIONS, {"of_nomination": nomination_id}) or 0


# Built once: asked at the end of every nominee's notice.
_OPEN_OBJECTIONS = select(func.count(Objection.id)).where(
    Objection.nomination_id == bindparam("of_nomination"),
    Objection.status.in_(objection_lifecycle.UNDECIDED),
)


def no_open_objection(step: Step) -> list[RuleFailure]:
    """The notice may end only when every objection has been decided."""
    open_count = open_objections(step.uow, step.nomination.id)
    if open_count:
        return [RuleFailure("objections", msg("rule.objections.open", count=open_count))]
    return []


def investigated_objection(step: Step) -> list[RuleFailure]:
    """A nominee is removed only on an objection the unit answered and the team upheld.

    The decision (`workflow.services.objections.decide_objection`) names its objection in the
    step's payload; a removal fired any other way names none and is refused.
    """
    objection_id = step.payload.get("objection_id")
    row = step.uow.session.get(Objection, objection_id) if isinstance(objection_id, int) else None
    if (
        row is None
        or row.nomination_id != step.nomination.id
        or row.status != OBJECTION_UPHELD
        or row.answered_at is None
    ):
        missing = msg("rule.investigated_objection.missing", name=step.nomination.name)
        return [RuleFailure("investigated_objection", missing)]
    return []


def notice_period_over(step: Step) -> list[RuleFailure]:
    """The public notice runs its full number of working days."""
    n = step.nomination
    due = step.uow.session.scalar(_NOTICE_END, {"of_nomination": n.id, "of_stage": n.status})
    if due is not None and due > step.now:
        days = step.definition.stage(step.nomination.status).duration_days
        running = msg("rule.notice_period.running", days=days, until=beijing(due))
        return [RuleFailure("notice_period", running)]
    return []


# Built once: asked before every nominee's notice ends.
_NOTICE_END = select(Deadline.due_at).where(
    Deadline.nomination_id == bindparam("of_nomination"),
    Deadline.kind == NOTICE_END,
    Deadline.stage == bindparam("of_stage"),
)


def end_notice(uow: UnitOfWork, deadline: Deadline, now: datetime, apply: Apply) -> Message:
    """The notice has run its days: on to the committee, unless an objection is still open."""
    nomination = lock_nomination(uow, deadline.nomination_id or 0)
    if nomination.status != deadline.stage:
        return msg("sweep.skipped_nomination", state=Label("state", nomination.status))
    waiting = open_objections(uow, nomination.id)
    if waiting:
        return msg("sweep.waiting_objections", count=waiting)
    result = apply(uow, nomination, "close_notice", SYSTEM, now, reason=because(deadline))
    return msg("sweep.notice_closed", state=Label("state", result.to_state))


def close_notice_if_over(
    uow: UnitOfWork, nomination: Nomination, now: datetime, why: str | Message, apply: Apply
) -> None:
    """The last open objection dismissed after the notice's days have run: the notice ends."""
    fired = uow.session.scalar(
        select(func.count(Deadline.id)).where(
            Deadline.nomination_id == nomination.id,
            Deadline.kind == NOTICE_END,
            Deadline.stage == nomination.status,
            Deadline.status == FIRED,
        )
    )
    if fired and not open_objections(uow, nomination.id):
        reason = msg("audit.notice_over_objections_settled", why=why)
        apply(uow, nomination, "close_notice", SYSTEM, now, reason=reason, internal=True)


def open_investigation(
    uow: UnitOfWork, nomination: Nomination, stage: StageSpec, objection_id: int, now: datetime
) -> datetime:
    """The unit's deadline to answer an objection (`objection_answer_days`); returns it."""
    due = load_calendar(uow).add_working_days(
        now, stage.objection_answer_days or DEFAULT_ANSWER_DAYS
    )
    row = NewDeadline(
        nomination.campaign_id,
        ANSWER_DUE,
        due,
        nomination.id,
        nomination.status,
        objection_id=objection_id,
    )
    deadline_lifecycle.schedule(uow, [row], now)
    return due


def lapse_objection(uow: UnitOfWork, deadline: Deadline, now: datetime, apply: Apply) -> Message:
    """An objection whose investigation was not answered in time: 视为自动放弃."""
    nomination = lock_nomination(uow, deadline.nomination_id or 0)
    objection = uow.session.get_one(Objection, deadline.objection_id)
    if objection.status != OBJECTION_OPEN:
        return msg("sweep.skipped_objection", status=Label("objection", objection.status))
    if nomination.status in CLOSED_STATES:
        return msg("sweep.skipped_nomination", state=Label("state", nomination.status))
    objection_lifecycle.lapse(
        uow,
        objection,
        finding=msg("audit.objection_finding_overdue"),
        campaign_id=nomination.campaign_id,
        actor=SYSTEM,
        now=now,
    )
    reason = msg("audit.objection_lapsed", objection=objection.id, deadline=because(deadline))
    apply(uow, nomination, "withdraw", SYSTEM, now, reason=reason)
    return msg("sweep.withdrawn_objection", objection=objection.id)


class PublicNotice(StageBehaviour):
    kind = StageKind.PUBLIC_NOTICE
    guards: ClassVar[Mapping[str, Guard]] = {
        "notice_period_over": notice_period_over,
        "no_open_objection": no_open_objection,
        "investigated_objection": investigated_objection,
    }
    actions: ClassVar[Mapping[str, Action]] = {NOTICE_END: end_notice, ANSWER_DUE: lapse_objection}

    def edges(self, stage: StageSpec, next_state: str) -> Iterator[TransitionSpec]:
        guards = ("notice_period_over", "no_open_objection")
        yield TransitionSpec("close_notice", stage.id, next_state, guards)
        yield TransitionSpec("uphold_objection", stage.id, "removed", ("investigated_objection",))

    def enter(self, step: Step, stage: StageSpec) -> None:
        """Start the notice's clock: it ends N working days from now."""
        assert stage.duration_days is not None
        n = step.nomination
        due = step.calendar.add_working_days(step.now, stage.duration_days)
        row = NewDeadline(n.campaign_id, NOTICE_END, due, n.id, stage.id)
        deadline_lifecycle.schedule(step.uow, [row], step.now)


BEHAVIOUR = PublicNotice()
