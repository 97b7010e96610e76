"""The deadline sweep at simulated times: review tasks' reminders, escalations and returns."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from config.message_json import REASON_KEY, message_from_json
from models import AuditEvent, Deadline
from models.uow import UnitOfWork
from tests.conftest import JIANGXI, T0, make_campaign
from tests.integration.flow import TEAM, add, clerk, fire, open_tasks, status
from tests.integration.sweep_steps import in_qualification, local, messages, sweep
from workflow.calendar import SHANGHAI
from workflow.services import reviews

# T0 is Monday 2 March 2026, 09:00 in Shanghai; ten working days end with Monday 16 March.
QUALIFICATION_DUE = datetime(2026, 3, 17, 0, 0, tzinfo=SHANGHAI)


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
