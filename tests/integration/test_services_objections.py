"""The public notice and its objections: investigations that hold the notice, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Deadline, Nomination, Objection, OutboxMessage
from models.scheduling import CANCELLED, PENDING
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import (
    AFTER_NOTICE,
    TEAM,
    add,
    clear_joint_review,
    clerk,
    count,
    fire,
    status,
    to_joint_review,
    to_notice,
)
from workflow.errors import GuardFailed, InvalidState
from workflow.services import objections


def _objection() -> objections.ObjectionInput:
    return objections.ObjectionInput(
        source="letter",
        content="反映其事迹材料存在夸大",
        received_on=date(2026, 3, 20),
        reporter_name="李四",
        contact="13800000000",
    )


def _record(sf: sessionmaker[Session], nomination: int) -> int:
    with UnitOfWork(sf) as uow:
        return objections.record_objection(uow, nomination, _objection(), ADMIN, T0).id


def _resolve(sf: sessionmaker[Session], objection: int, upheld: bool) -> None:
    """The unit answers with its findings; the working team decides."""
    with UnitOfWork(sf) as uow:
        objections.answer_objection(uow, objection, "经核查", clerk("nc"), T0)
    with UnitOfWork(sf) as uow:
        outcome = "upheld" if upheld else "dismissed"
        objections.decide_objection(uow, objection, outcome, "经核查", TEAM, T0)


def test_notice_cannot_close_before_its_period_ends(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_notice(sf, nomination)
    assert status(sf, nomination).status == "public_notice"

    with pytest.raises(GuardFailed) as refused:
        fire(sf, nomination, "close_notice", TEAM, T0 + timedelta(days=1))
    assert [f.rule for f in refused.value.failures] == ["notice_period"]
    assert "公示期：5个工作日的公示期至2026年3月9日24时（北京时间）结束" in str(refused.value)
    assert "the 5-working-day notice runs until end of 2026-03-09 (Beijing time)" in (
        refused.value.text("en")
    )
    assert fire(sf, nomination, "close_notice", TEAM, AFTER_NOTICE).to_state == "committee"


def test_an_objection_opens_an_investigation_that_holds_the_notice(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_notice(sf, nomination)

    objection_id = _record(sf, nomination)

    with UnitOfWork(sf) as uow:
        objection = uow.session.get(Objection, objection_id)
        assert objection is not None and objection.status == "open"
        [due] = uow.session.scalars(
            select(Deadline).where(Deadline.objection_id == objection_id)
        ).all()
        assert (due.kind, due.status, due.due_at) == (
            "objection_answer_due",
            PENDING,
            objection.answer_due_at,
        )
        [message] = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "objection_received")
        ).all()
        assert message.recipient == "nc@example.org"
        assert message.context["objection_id"] == objection_id
    with pytest.raises(GuardFailed) as refused:
        fire(sf, nomination, "close_notice", TEAM, AFTER_NOTICE)
    assert [f.rule for f in refused.value.failures] == ["objections"]

    _resolve(sf, objection_id, upheld=False)

    with UnitOfWork(sf) as uow:
        deadline = uow.session.scalars(
            select(Deadline).where(Deadline.objection_id == objection_id)
        ).one()
        assert deadline.status == CANCELLED
    assert fire(sf, nomination, "close_notice", TEAM, AFTER_NOTICE).to_state == "committee"


def test_an_upheld_objection_removes_the_nominee(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_notice(sf, nomination)
    objection_id = _record(sf, nomination)

    _resolve(sf, objection_id, upheld=True)

    removed = status(sf, nomination)
    assert removed.status == "removed"
    assert removed.end_reason == f"异议#{objection_id}经核查属实：经核查"
    with UnitOfWork(sf) as uow:
        pending = uow.session.scalars(
            select(Deadline).where(Deadline.nomination_id == nomination, Deadline.status == PENDING)
        ).all()
        assert pending == []  # notice end and the answer deadline are both cancelled


def test_objections_are_refused_outside_the_notice_or_without_a_name(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nomination = add(sf, campaign_id)
    to_joint_review(sf, nomination)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="不在公示期"):
        objections.record_objection(uow, nomination, _objection(), ADMIN, T0)
    clear_joint_review(sf, nomination)
    fire(sf, nomination, "pass", TEAM)
    anonymous = objections.ObjectionInput("phone", "有问题", date(2026, 3, 3))
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="真实姓名"):
        objections.record_objection(uow, nomination, anonymous, ADMIN, T0)
    assert count(sf, Objection) == 0
    assert status(sf, nomination).status == "public_notice"
    assert count(sf, Nomination) == 1
