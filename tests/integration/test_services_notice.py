"""The public notice's public fields, calendar overrides, and refusals that must be recorded."""

from __future__ import annotations

import threading
from dataclasses import fields
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Campaign
from models.db import make_session_factory
from models.uow import UnitOfWork
from tests.conftest import ADMIN, T0, make_campaign
from tests.integration import flow
from workflow.audit import AuditEntry, append
from workflow.audit_verify import verify
from workflow.calendar import SHANGHAI
from workflow.errors import GuardFailed, ImportFailed, InvalidState, PermissionDenied
from workflow.services import calendar as calendar_service
from workflow.services import committee, nominations
from workflow.services.notice import PublicEntry, public_notice
from workflow.step import load_calendar


def test_notice_shows_public_fields_only(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    main = flow.add(sf, campaign_id, "nc", "李四", gender="F", wage_arrears=False)
    alternate = flow.add(sf, campaign_id, "nc", "王五", rank="alternate", order=1)
    flow.to_notice(sf, main)
    flow.to_notice(sf, alternate)
    with UnitOfWork(sf) as uow:
        entries = public_notice(uow, uow.session.get(Campaign, campaign_id))  # type: ignore[arg-type]
    assert [(e.name, e.rank) for e in entries] == [("李四", "正式人选"), ("王五", "后备人选1")]
    assert entries[0].gender == "女" and entries[0].birth_year == 1980
    assert entries[0].notice_ends_at is not None and entries[0].notice_ends_at > T0
    public = {f.name for f in fields(PublicEntry)}
    assert not public & {"votes_for", "votes_total", "facts", "birth_date", "contact", "deeds"}


def test_notice_omits_nominees_not_under_notice(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    flow.to_joint_review(sf, flow.add(sf, campaign_id))
    with UnitOfWork(sf) as uow:
        assert public_notice(uow, uow.session.get(Campaign, campaign_id)) == []  # type: ignore[arg-type]


def test_calendar_override_moves_deadlines(sf: sessionmaker[Session]) -> None:
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Shanghai
    with UnitOfWork(sf) as uow:
        before = load_calendar(uow).add_working_days(start, 1)
    assert before.astimezone(SHANGHAI).date() == date(2026, 3, 4)  # ends with Tuesday
    with UnitOfWork(sf) as uow:
        calendar_service.set_override(uow, date(2026, 3, 3), False, "全省停工一天", ADMIN, T0)
    with UnitOfWork(sf) as uow:
        after = load_calendar(uow).add_working_days(start, 1)
        assert [o.day for o in calendar_service.list_overrides(uow)] == [date(2026, 3, 3)]
    assert after.astimezone(SHANGHAI).date() == date(2026, 3, 5)  # Tuesday is off now
    with UnitOfWork(sf) as uow:
        assert calendar_service.remove_override(uow, date(2026, 3, 3), ADMIN, T0)
    with UnitOfWork(sf) as uow:
        assert load_calendar(uow).add_working_days(start, 1) == before
    with UnitOfWork(sf) as uow, pytest.raises(PermissionDenied):
        calendar_service.set_override(uow, date(2026, 3, 3), False, "x", flow.TEAM, T0)


def test_refused_review_outcome_is_audited_and_leaves_the_task_open(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nid = flow.add(sf, campaign_id, retired=True)
    flow.fire(sf, nid, "submit")
    flow.fire(sf, nid, "begin_review")
    task = flow.open_tasks(sf, nid)[0]
    with pytest.raises(GuardFailed, match="退休人员：被推荐人已退休") as refused:
        flow.complete(sf, task.id, "pass", flow.TEAM)
    assert [f.code for f in refused.value.failures] == ["rule.retired.failed"]
    assert refused.value.text("en").startswith("'pass' refused: retired: nominee is retired")
    assert [t.id for t in flow.open_tasks(sf, nid)] == [task.id]
    assert flow.count(sf, AuditEvent, trigger="refused:pass", nomination_id=nid) == 1
    flow.complete(sf, task.id, "fail", flow.TEAM, opinion="退休人员不符合条件")
    assert flow.status(sf, nid).status == "disqualified"


def test_a_person_cannot_approve_outside_the_committee_decision(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    nid = flow.add(sf, campaign_id)
    flow.to_committee(sf, nid)
    with pytest.raises(PermissionDenied, match="由系统自动执行"):
        flow.fire(sf, nid, "approve", flow.SECRETARY)
    assert flow.status(sf, nid).status == "committee"


def test_the_committee_decides_once(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    flow.to_committee(sf, flow.add(sf, campaign_id))
    with UnitOfWork(sf) as uow:
        committee.decide(uow, campaign_id, flow.SECRETARY, flow.AFTER_NOTICE, override_reason="ok")
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState, match="已经审定，当前阶段为“已审定”"):
        committee.decide(uow, campaign_id, flow.SECRETARY, flow.AFTER_NOTICE, override_reason="ok")


def test_import_lists_unknown_units_with_other_errors(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    campaign_id = make_campaign(sf)
    sample = Path(__file__).parents[1] / "data" / "nominations_sample.csv"
    lines = sample.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("南昌市总工会", "不存在的工会")
    lines[2] = lines[2].replace(",F,", ",X,")
    bad = tmp_path / "mixed.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with UnitOfWork(sf) as uow, pytest.raises(ImportFailed) as refused:
        nominations.import_nominations(uow, campaign_id, bad, ADMIN, T0)
    where = {(e.row, e.field) for e in refused.value.errors}
    assert {(2, "recommending_unit"), (3, "gender")} <= where


@pytest.mark.postgres
def test_first_appends_on_a_new_database_do_not_collide(pg_engine: Engine) -> None:
    sf = make_session_factory(pg_engine)
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT seq FROM audit_head WHERE id = 1")).scalar() == 0
    barrier, errors = threading.Barrier(2), []

    def first_append(name: str) -> None:
        try:
            with UnitOfWork(sf) as uow:
                barrier.wait()
                append(uow, T0, AuditEntry(actor=name, trigger="test"))
                uow.commit()
        except Exception as exc:  # pragma: no cover - the failure this test guards against
            errors.append(exc)

    threads = [threading.Thread(target=first_append, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with UnitOfWork(sf) as uow:
        assert uow.session.scalar(select(func.count(AuditEvent.id))) == 2
        assert verify(uow.session).ok
