"""The unit answers, the working team decides: every refusal, and the files, on both databases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import Attachment, AuditEvent, Deadline, Objection, OutboxMessage
from models.scheduling import CANCELLED
from models.uow import UnitOfWork
from tests.attachment_files import FAKE_PDF, PDF, png
from tests.conftest import T0, make_campaign
from tests.integration.flow import AFTER_NOTICE, TEAM, add, clerk, count, fire, status, to_notice
from workflow.attachments.content import Upload
from workflow.attachments.store import FileStore
from workflow.errors import (
    AttachmentTooLarge,
    AttachmentType,
    GuardFailed,
    InvalidState,
    NotFound,
    PermissionDenied,
)
from workflow.queries import objections as read
from workflow.services import objections
from workflow.services.attachments import Files

TEAM_MAILBOX = "zhuanban@example.org"  # the working team's address in the definition


def _files(tmp_path: Path, *uploads: Upload, limit: int = 1024 * 1024) -> Files:
    return Files(FileStore(tmp_path / "attachments"), uploads, limit)


def _phone(name: str = "李四") -> objections.ObjectionInput:
    return objections.ObjectionInput(
        source="phone",
        content="来电反映其事迹材料存在夸大",
        received_on=date(2026, 3, 3),
        reporter_name=name,
        contact="13800000000",
    )


def _notice(sf: sessionmaker[Session]) -> int:
    nomination = add(sf, make_campaign(sf))
    to_notice(sf, nomination)
    return nomination


def _record(sf: sessionmaker[Session], nomination: int, files: Files | None = None) -> int:
    with UnitOfWork(sf) as uow:
        return objections.record_for_team(uow, TEAM, nomination, _phone(), T0, files).id


def _answer(sf: sessionmaker[Session], objection: int, files: Files | None = None) -> None:
    with UnitOfWork(sf) as uow:
        objections.answer_objection(uow, objection, "经核查，反映不实", clerk("nc"), T0, files)


def test_the_team_records_with_a_file_the_unit_answers_with_its_report_the_team_dismisses(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    nomination = _notice(sf)
    letter = _files(tmp_path, Upload("来电记录.pdf", PDF))
    objection = _record(sf, nomination, letter)
    report = _files(tmp_path, Upload("核查报告.png", png()))
    _answer(sf, objection, report)
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(Objection, objection)
        answered = (row.status, row.answer, row.answered_by)
        assert answered == ("answered", "经核查，反映不实", "clerk-nc")
        [deadline] = uow.session.scalars(select(Deadline).where(Deadline.objection_id == objection))
        assert deadline.status == CANCELLED  # answered in time: nothing lapses
        files = uow.session.scalars(select(Attachment).order_by(Attachment.id)).all()
        assert [(f.owner, f.content_type, f.filename) for f in files] == [
            ("objection", "application/pdf", "来电记录.pdf"),
            ("answer", "image/png", "核查报告.png"),
        ]
        kept = FileStore(tmp_path / "attachments").path(files[0].sha256)
        assert kept.read_bytes() == PDF and kept.parent.name == files[0].sha256[:2]
        added = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "attachment_added")
        ).all()
        assert [e.payload["sha256"] for e in added] == [f.sha256 for f in files]
        [note] = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "objection_answered")
        ).all()
        assert note.recipient == TEAM_MAILBOX and note.context["findings"] == "经核查，反映不实"
    # Answered but undecided: the notice still waits for the working team.
    with pytest.raises(GuardFailed):
        fire(sf, nomination, "close_notice", TEAM, AFTER_NOTICE)
    with UnitOfWork(sf) as uow:
        objections.decide_objection(uow, objection, "dismissed", "报告清楚，反映不实", TEAM, T0)
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(Objection, objection)
        assert (row.status, row.decision_reason, row.decided_by) == (
            "dismissed", "报告清楚，反映不实", TEAM.name,
        )  # fmt: skip
        [told] = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "objection_outcome")
        ).all()
        assert told.context["finding"] == "报告清楚，反映不实"
    assert fire(sf, nomination, "close_notice", TEAM, AFTER_NOTICE).to_state == "committee"


def test_an_upheld_decision_removes_the_nominee(sf: sessionmaker[Session]) -> None:
    nomination = _notice(sf)
    objection = _record(sf, nomination)
    _answer(sf, objection)
    with UnitOfWork(sf) as uow:
        objections.decide_objection(uow, objection, "upheld", "事迹失实", TEAM, T0)
    removed = status(sf, nomination)
    assert removed.status == "removed"
    assert removed.end_reason == f"异议#{objection}经核查属实：事迹失实"


def test_who_may_answer_and_who_may_decide(sf: sessionmaker[Session]) -> None:
    nomination = _notice(sf)
    objection = _record(sf, nomination)
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied, match="工作专班"):
        objections.decide_objection(uow, objection, "dismissed", "不实", clerk("nc"), T0)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="只能对推荐单位已核查答复"):
        objections.decide_objection(uow, objection, "dismissed", "不实", TEAM, T0)
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied, match="南昌市总工会"):
        objections.answer_objection(uow, objection, "不实", TEAM, T0)
    with UnitOfWork(sf) as uow, pytest.raises(NotFound):
        objections.answer_objection(uow, objection, "不实", clerk("gz"), T0)
    with UnitOfWork(sf) as uow, pytest.raises(NotFound):
        objections.record_for_team(uow, clerk("gz"), nomination, _phone(), T0)
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        objections.record_for_team(uow, clerk("nc"), nomination, _phone(), T0)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="决定理由"):
        objections.decide_objection(uow, objection, "dismissed", " ", TEAM, T0)
    with UnitOfWork(sf) as uow:
        assert uow.session.get_one(Objection, objection).status == "open"
    _answer(sf, objection)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="已答复"):
        objections.answer_objection(uow, objection, "再答", clerk("nc"), T0)
    assert status(sf, nomination).status == "public_notice"


@pytest.mark.parametrize("actor", [TEAM, None])
def test_removal_needs_an_investigated_objection_whoever_fires_it(
    sf: sessionmaker[Session], actor: object
) -> None:
    nomination = _notice(sf)
    who = TEAM if actor is not None else TEAM.__class__("admin", "admin")
    with pytest.raises(GuardFailed) as refused:
        fire(sf, nomination, "uphold_objection", who)
    assert [f.rule for f in refused.value.failures] == ["investigated_objection"]
    assert "张三没有经推荐单位核查答复、由工作专班决定属实的异议" in str(refused.value)
    assert "张三 has no objection answered by the unit" in refused.value.text("en")
    # An answered objection still waiting for the decision is not enough either.
    _answer(sf, _record(sf, nomination))
    with pytest.raises(GuardFailed):
        fire(sf, nomination, "uphold_objection", who)
    assert status(sf, nomination).status == "public_notice"


def test_files_are_checked_by_content_and_size_before_anything_is_written(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    nomination = _notice(sf)
    named_pdf = _files(tmp_path, Upload("信.pdf", FAKE_PDF))
    with UnitOfWork(sf) as uow, pytest.raises(AttachmentType, match=r"信\.pdf"):
        objections.record_for_team(uow, TEAM, nomination, _phone(), T0, named_pdf)
    big = _files(tmp_path, Upload("大.pdf", PDF + b"0" * 100), limit=len(PDF))
    with UnitOfWork(sf) as uow, pytest.raises(AttachmentTooLarge):
        objections.record_for_team(uow, TEAM, nomination, _phone(), T0, big)
    assert count(sf, Objection) == 0 and count(sf, Attachment) == 0
    assert not (tmp_path / "attachments").exists()


def test_the_investigations_list_and_the_objector_masked_for_the_unit(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    nomination = _notice(sf)
    first = _record(sf, nomination, _files(tmp_path, Upload("来电记录.pdf", PDF)))
    second = _record(sf, nomination)
    _answer(sf, second, _files(tmp_path, Upload("核查报告.pdf", PDF)))
    with UnitOfWork(sf) as uow:
        rows = read.investigations(uow, TEAM, T0)
        assert [(r.objection.id, r.objection.status, r.overdue) for r in rows] == [
            (first, "open", False), (second, "answered", False),
        ]  # fmt: skip
        late = read.investigations(uow, TEAM, AFTER_NOTICE + (AFTER_NOTICE - T0))
        assert [r.overdue for r in late] == [True, False]
        assert rows[0].objection.reporter_name == "李四"
        with pytest.raises(PermissionDenied):
            read.investigations(uow, clerk("nc"), T0)
        unit = read.objection_page(uow, clerk("nc"), first, T0)
        assert (unit.objection.reporter_name, unit.objection.contact) == ("李**", "138****0000")
        assert unit.files == []  # the objector's own letter is not the unit's to read
        assert (unit.can_answer, unit.can_decide) == (True, False)
        answered = read.objection_page(uow, clerk("nc"), second, T0)
        assert [f.filename for f in answered.files] == ["核查报告.pdf"]
        team = read.objection_page(uow, TEAM, second, T0)
        assert (team.can_answer, team.can_decide) == (False, True)
        assert [f.owner for f in read.objection_page(uow, TEAM, first, T0).files] == ["objection"]
