"""The deadline sweep at simulated times: reminders, escalations, notice end, lapses."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from config.message_json import REASON_KEY, message_from_json
from models import AuditEvent, Deadline, Objection, OutboxMessage
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import ADMIN, JIANGXI, T0, make_campaign
from tests.integration.flow import TEAM, add, clerk, fire, open_tasks, status, to_notice
from workflow import deadline_actions
from workflow.calendar import SHANGHAI
from workflow.services import deadlines, objections, reviews

# T0 is Monday 2 March 2026, 09:00 in Shanghai; ten working days end with Monday 16 March.
QUALIFICATION_DUE = datetime(2026, 3, 17, 0, 0, tzinfo=SHANGHAI)


def sweep(sf: sessionmaker[Session], at: datetime) -> deadlines.SweepResult:
    with UnitOfWork(sf) as uow:
        return deadlines.sweep(uow, at)


def messages(sf: sessionmaker[Session], kind: str) -> list[OutboxMessage]:
    with UnitOfWork(sf) as uow:
        rows = list(
            uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )
        uow.session.expunge_all()
        return rows


def in_qualification(sf: sessionmaker[Session]) -> int:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    return nomination


def local(hour_day: str) -> datetime:
    return datetime.fromisoformat(hour_day).replace(tzinfo=SHANGHAI)


def test_reminders_fire_at_their_working_day_offsets(sf: sessionmaker[Session]) -> None:
    in_qualification(sf)
    (task,) = [t for t in open_tasks(sf, 1)]
    assert task.due_at == QUALIFICATION_DUE
    # Three working days before Monday 16 March is Wednesday 11 March, at 09:00.
    assert sweep(sf, local("2026-03-11 08:59")).fired == 0
    assert messages(sf, "reminder") == []
    assert sweep(sf, local("2026-03-11 09:00")).kinds == {"reminder": 1}
    (first,) = messages(sf, "reminder")
    assert first.context["days_left"] == 3
    assert first.recipient == "zhuanban@example.org"  # the working team's mailbox
    # One working day before: Friday 13 March; nothing more over the weekend.
    assert sweep(sf, local("2026-03-13 08:59")).fired == 0
    assert sweep(sf, local("2026-03-13 09:00")).kinds == {"reminder": 1}
    assert sweep(sf, local("2026-03-16 23:59")).fired == 0
    assert [m.context["days_left"] for m in messages(sf, "reminder")] == [3, 1]


def test_an_overdue_task_escalates_and_repeats(sf: sessionmaker[Session]) -> None:
    in_qualification(sf)
    sweep(sf, local("2026-03-17 00:00"))
    (escalation,) = messages(sf, "escalation")
    assert escalation.recipient == "office@example.org"  # the campaign's administrators
    assert escalation.context["count"] == 1
    # Repeated two working days later: when Thursday 19 March ends.
    assert sweep(sf, local("2026-03-19 23:59")).fired == 0
    assert sweep(sf, local("2026-03-20 00:00")).kinds == {"escalation": 1}
    second = messages(sf, "escalation")[1]
    # Overdue days count the working days begun since the due date: 17, 18, 19 and 20 March.
    assert (second.context["count"], second.context["overdue_days"]) == (2, 4)


def test_a_finished_task_is_neither_reminded_nor_escalated(sf: sessionmaker[Session]) -> None:
    nomination = in_qualification(sf)
    (task,) = open_tasks(sf, nomination)
    fire(sf, nomination, "pass", TEAM, now=local("2026-03-05 10:00"))
    sweep(sf, local("2026-03-25 00:00"))
    about_it = [
        m
        for kind in ("reminder", "escalation")
        for m in messages(sf, kind)
        if m.context["task_id"] == task.id
    ]
    assert about_it == []
    # The joint-review tasks the pass opened are reminded instead.
    assert {m.context["stage"] for m in messages(sf, "reminder")} == {"多部门联审"}


def test_escalation_can_take_the_task_back(sf: sessionmaker[Session], tmp_path: Path) -> None:
    definition = tmp_path / "jx.yaml"
    reassigning = "escalation_repeat_days: 2\n    escalation_reassign: true\n"
    source = JIANGXI.read_text(encoding="utf-8")
    definition.write_text(source.replace("escalation_repeat_days: 2\n", reassigning, 1))
    campaign_id = make_campaign(sf, definition=definition)
    nomination = add(sf, campaign_id)
    fire(sf, nomination, "submit")
    fire(sf, nomination, "begin_review")
    (task,) = open_tasks(sf, nomination)
    with UnitOfWork(sf) as uow:
        reviews.claim(uow, task.id, TEAM, T0)
    sweep(sf, local("2026-03-17 00:00"))
    (task,) = open_tasks(sf, nomination)
    assert (task.status, task.assignee) == ("open", None)
    (escalation,) = messages(sf, "escalation")
    assert escalation.context["reassigned"] is True
    assert escalation.context["assignee"] == TEAM.name


def test_an_unanswered_return_withdraws_the_nomination(sf: sessionmaker[Session]) -> None:
    nomination = in_qualification(sf)
    fire(sf, nomination, "return_material", TEAM, reason="缺少推荐表")
    # Five working days from Monday 2 March end with Monday 9 March.
    sweep(sf, local("2026-03-09 23:59"))
    assert status(sf, nomination).status == "qualification_returned"
    sweep(sf, local("2026-03-10 00:00"))
    withdrawn = status(sf, nomination)
    assert withdrawn.status == "withdrawn"
    with UnitOfWork(sf) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.to_state == "withdrawn")
        ).one()
    assert event.actor.startswith("system")
    with UnitOfWork(sf) as uow:
        due = uow.session.scalars(select(Deadline.id).where(Deadline.kind == "material_due")).one()
    # The record as written, in Chinese, the due time as offices write it ...
    assert event.reason == (
        f"逾期未补充材料，视为自动放弃——期限#{due}（补充材料期限，2026年3月9日24时（北京时间）到期）"
    )
    # ... and the code and figures in the payload: an English reader sees it in English.
    assert event.payload is not None
    said = message_from_json(event.payload[REASON_KEY])
    assert said.render("en") == (
        "material not supplied in time, counted as withdrawn: "
        f"deadline #{due} (material due, due end of 2026-03-09 (Beijing time))"
    )
    (ended,) = messages(sf, "nomination_ended")
    assert ended.recipient == "nc@example.org" and "逾期" in ended.context["reason"]


def test_a_return_answered_in_time_stands(sf: sessionmaker[Session]) -> None:
    nomination = in_qualification(sf)
    fire(sf, nomination, "return_material", TEAM)
    fire(sf, nomination, "resubmit", clerk("nc"), now=local("2026-03-06 10:00"))
    sweep(sf, local("2026-03-10 00:00"))
    assert status(sf, nomination).status == "qualification"


def notice(sf: sessionmaker[Session]) -> int:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_notice(sf, nomination)
    return nomination


def notice_end(sf: sessionmaker[Session], nomination: int) -> datetime:
    with UnitOfWork(sf) as uow:
        return uow.session.scalars(
            select(Deadline.due_at).where(
                Deadline.nomination_id == nomination, Deadline.kind == "notice_end"
            )
        ).one()


def test_the_public_notice_closes_itself(sf: sessionmaker[Session]) -> None:
    nomination = notice(sf)
    end = notice_end(sf, nomination)
    sweep(sf, end - timedelta(seconds=1))
    assert status(sf, nomination).status == "public_notice"
    sweep(sf, end)
    assert status(sf, nomination).status == "committee"


def objection_to(sf: sessionmaker[Session], nomination: int, at: datetime = T0) -> int:
    data = objections.ObjectionInput(
        source="letter",
        content="该同志存在违规行为",
        received_on=date(2026, 3, 3),
        reporter_name="李四",
        contact="13800000000",
    )
    with UnitOfWork(sf) as uow:
        return objections.record_objection(uow, nomination, data, ADMIN, at).id


def test_an_open_objection_holds_the_notice_until_it_is_dismissed(
    sf: sessionmaker[Session],
) -> None:
    nomination = notice(sf)
    # Received on the notice's third day: the unit's answer is due after the notice ends.
    objection = objection_to(sf, nomination, local("2026-03-04 10:00"))
    end = notice_end(sf, nomination)
    sweep(sf, end)
    assert status(sf, nomination).status == "public_notice"
    with UnitOfWork(sf) as uow:
        outcome = uow.session.scalars(
            select(Deadline.outcome).where(Deadline.kind == "notice_end")
        ).one()
    assert outcome == "等待中：尚有1件异议正在核查"
    with UnitOfWork(sf) as uow:
        objections.resolve_objection(uow, objection, False, "经核查不属实", clerk("nc"), end)
    assert status(sf, nomination).status == "committee"
    (told,) = messages(sf, "objection_outcome")
    assert told.context["outcome"] == "dismissed"


def test_an_objection_left_unanswered_withdraws_the_nomination(
    sf: sessionmaker[Session],
) -> None:
    nomination = notice(sf)
    objection = objection_to(sf, nomination)
    with UnitOfWork(sf) as uow:
        due = uow.session.get_one(Objection, objection).answer_due_at
    assert due is not None
    sweep(sf, due)
    assert status(sf, nomination).status == "withdrawn"
    with UnitOfWork(sf) as uow:
        assert uow.session.get_one(Objection, objection).status == "lapsed"


def test_a_sweep_run_twice_fires_nothing_more(sf: sessionmaker[Session]) -> None:
    in_qualification(sf)
    first = sweep(sf, local("2026-03-20 00:00"))
    assert first.fired == 3  # two reminders and the first escalation
    assert sweep(sf, local("2026-03-20 00:00")).fired == 0
    assert len(messages(sf, "reminder")) == 2


@pytest.mark.postgres
def test_two_concurrent_sweeps_fire_each_deadline_once(pg_engine: Engine) -> None:
    sf = make_session_factory(pg_engine)
    campaign_id = make_campaign(sf)
    with UnitOfWork(sf) as uow:  # many due deadlines of one kind
        uow.session.add_all(
            Deadline(
                campaign_id=campaign_id,
                kind="submission_close",
                due_at=T0,
                created_at=T0,
            )
            for _ in range(300)
        )
        uow.commit()
    results: list[deadlines.SweepResult] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        with UnitOfWork(sf) as uow:
            results.append(deadlines.sweep(uow, T0 + timedelta(minutes=1), batch=20))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.fired for r in results) == 300
    assert all(r.fired > 0 for r in results)  # SKIP LOCKED shares the work
    assert len(messages(sf, "submission_closed")) == 300
    with UnitOfWork(sf) as uow:
        events = uow.session.scalars(
            select(AuditEvent.id).where(AuditEvent.trigger == "close_submission")
        ).all()
    assert len(events) == 300


def test_an_action_that_breaks_gives_its_row_back_and_is_parked_after_five_tries(
    sf: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(uow: UnitOfWork, deadline: Deadline, now: datetime) -> str:
        raise RuntimeError("mail merge exploded")

    monkeypatch.setitem(deadline_actions.ACTIONS, "submission_close", broken)
    nomination = in_qualification(sf)  # its reminders share the batch with the broken one
    campaign_id = status(sf, nomination).campaign_id
    with UnitOfWork(sf) as uow:
        uow.session.add(
            Deadline(campaign_id=campaign_id, kind="submission_close", due_at=T0, created_at=T0)
        )
        uow.commit()
    first = sweep(sf, local("2026-03-13 09:00"))
    assert (first.errors, first.kinds) == (1, {"reminder": 2})
    for attempt in range(2, 6):
        assert sweep(sf, local("2026-03-13 09:00")).errors == 1, attempt
    assert sweep(sf, local("2026-03-13 09:00")).errors == 0  # parked: not tried again
    with UnitOfWork(sf) as uow:
        row = uow.session.scalars(select(Deadline).where(Deadline.kind == "submission_close")).one()
    assert (row.status, row.attempts, row.fired_at) == ("failed", 5, None)
    assert row.last_error == "RuntimeError: mail merge exploded"
