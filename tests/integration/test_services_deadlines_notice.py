"""The deadline sweep at simulated times: the public notice's end and objections that lapse."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Deadline, Objection
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import TEAM, add, clerk, status, to_notice
from tests.integration.sweep_steps import local, messages, sweep
from workflow.services import objections


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
        objections.answer_objection(uow, objection, "经核查不属实", clerk("nc"), end)
    # Answered, not yet decided: the notice still waits for the working team.
    assert status(sf, nomination).status == "public_notice"
    with UnitOfWork(sf) as uow:
        objections.decide_objection(uow, objection, "dismissed", "反映不实", TEAM, end)
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
