"""An objection's finding and a finished review task are told in words, not English or codes.

The engine's reasons for an upheld or dismissed objection are Messages: the nomination's end
reason and the audit event keep the Chinese, the payload the code and figures, so a reader
in English sees English. A finished task is named by its id (#7) when a second answer is
refused.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Deadline
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration.flow import (
    TEAM,
    add,
    clerk,
    complete,
    open_tasks,
    status,
    to_joint_review,
    to_notice,
)
from workflow.calendar import SHANGHAI
from workflow.errors import InvalidState
from workflow.queries.audit import reason_text
from workflow.services import deadlines, objections


def _notice(sf: sessionmaker[Session]) -> int:
    nomination = add(sf, make_campaign(sf))
    to_notice(sf, nomination)
    return nomination


def _objection(sf: sessionmaker[Session], nomination: int, at: datetime) -> int:
    data = objections.ObjectionInput(
        source="letter",
        content="反映其事迹材料存在夸大",
        received_on=date(2026, 3, 3),
        reporter_name="李四",
        contact="13800000000",
    )
    with UnitOfWork(sf) as uow:
        return objections.record_objection(uow, nomination, data, ADMIN, at).id


def _event(sf: sessionmaker[Session], nomination: int, trigger: str) -> AuditEvent:
    with UnitOfWork(sf) as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.nomination_id == nomination, AuditEvent.trigger == trigger
            )
        ).one()
        uow.session.expunge(event)
        return event


def test_an_upheld_objection_is_the_reason_in_both_languages(sf: sessionmaker[Session]) -> None:
    nomination = _notice(sf)
    objection = _objection(sf, nomination, T0)
    with UnitOfWork(sf) as uow:
        objections.answer_objection(uow, objection, "经核实部分事迹失实", clerk("nc"), T0)
    with UnitOfWork(sf) as uow:
        objections.decide_objection(uow, objection, "upheld", "事迹失实", TEAM, T0)
    assert status(sf, nomination).end_reason == f"异议#{objection}经核查属实：事迹失实"
    event = _event(sf, nomination, "uphold_objection")
    assert event.reason == f"异议#{objection}经核查属实：事迹失实"
    assert reason_text(event, "en") == f"objection #{objection} upheld: 事迹失实"


def test_a_dismissed_objection_after_the_notice_closes_it_in_both_languages(
    sf: sessionmaker[Session],
) -> None:
    nomination = _notice(sf)
    # Received on the notice's third day: the unit's answer is due after the notice ends.
    objection = _objection(sf, nomination, datetime(2026, 3, 4, 10, tzinfo=SHANGHAI))
    with UnitOfWork(sf) as uow:
        end = uow.session.scalars(
            select(Deadline.due_at).where(
                Deadline.nomination_id == nomination, Deadline.kind == "notice_end"
            )
        ).one()
    with UnitOfWork(sf) as uow:
        deadlines.sweep(uow, end)
    with UnitOfWork(sf) as uow:
        objections.answer_objection(uow, objection, "经核查不属实", clerk("nc"), end)
    with UnitOfWork(sf) as uow:
        objections.decide_objection(uow, objection, "dismissed", "反映不实", TEAM, end)
    event = _event(sf, nomination, "close_notice")
    assert event.reason == f"公示期满，异议已核查完毕——异议#{objection}经核查不属实，予以驳回"
    assert reason_text(event, "en") == (
        f"notice over and every objection settled: objection #{objection} dismissed"
    )


def test_a_second_answer_to_a_finished_task_names_the_task_by_its_id(
    sf: sessionmaker[Session],
) -> None:
    nomination = add(sf, make_campaign(sf))
    to_joint_review(sf, nomination)
    task = open_tasks(sf, nomination)[0]
    complete(sf, task.id, "clear")
    with pytest.raises(InvalidState) as refused:
        complete(sf, task.id, "clear")
    assert refused.value.message is not None
    assert refused.value.message.params["ref"] == f"#{task.id}"
    assert f"#{task.id}当前为“已完成”" in str(refused.value)
