"""The unit's desk on both databases: places left as the submit guard counts them, the
submission window refusing at once, and correcting a nominee (audited, field names only)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, Campaign, Nomination
from models.uow import UnitOfWork
from tests.conftest import T0, make_campaign
from tests.integration.flow import TEAM, add, clerk, complete, count, facts, fire, open_tasks
from workflow.errors import GuardFailed, InvalidState, NotFound, PermissionDenied
from workflow.importing import ImportedNomination
from workflow.queries.unit_desk import days_until, unit_desk
from workflow.services import campaigns, nominations

DEADLINE = T0 + timedelta(days=10)  # 2026-03-12 09:00 in Beijing


def _set_deadline(sf: sessionmaker[Session], campaign_id: int) -> None:
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get_one(Campaign, campaign_id)
        campaign.submission_deadline = DEADLINE
        uow.commit()


def _entry(name: str = "张三", **changes: object) -> ImportedNomination:
    return ImportedNomination(facts(name, **changes), "", "main", None, "事迹简介", "", 0)


def _desk(sf: sessionmaker[Session], campaign_id: int, unit: str, now=T0):  # type: ignore[no-untyped-def]
    with UnitOfWork(sf) as uow:
        campaign = campaigns.get_campaign(uow, campaign_id)
        return unit_desk(uow, clerk(unit), campaign, now)


def test_places_left_are_what_the_submit_guard_counts(sf: sessionmaker[Session]) -> None:
    quotas = [
        campaigns.UnitQuota("nc", "南昌市总工会", 2),
        campaigns.UnitQuota("nc", "南昌市总工会", 1, category="enterprise_head"),
    ]
    campaign_id = make_campaign(sf, quotas=quotas)
    first, second, third = (add(sf, campaign_id, "nc", n) for n in ("甲", "乙", "丙"))
    head = add(sf, campaign_id, "nc", "丁", category="enterprise_head")
    add(sf, campaign_id, "nc", "戊", rank="alternate", order=1)  # a head needs a front-line one
    assert [
        (p.category, p.places, p.used, p.left) for p in _desk(sf, campaign_id, "nc").places
    ] == [
        (None, 2, 0, 2),
        ("enterprise_head", 1, 0, 1),
    ]  # drafts hold no place
    fire(sf, first, "submit", clerk("nc"))
    fire(sf, second, "submit", clerk("nc"))
    fire(sf, head, "submit", clerk("nc"))
    general, heads = _desk(sf, campaign_id, "nc").places
    assert (general.used, general.left, heads.left) == (2, 0, 0)
    with pytest.raises(GuardFailed) as refused:  # the guard agrees: no general place is left
        fire(sf, third, "submit", clerk("nc"))
    assert "quota" in {f.rule for f in refused.value.failures}


def test_days_left_count_beijing_days_to_the_deadlines_last_day() -> None:
    assert days_until(DEADLINE, T0) == 10
    assert days_until(DEADLINE, DEADLINE - timedelta(hours=1)) == 0
    midnight = T0.replace(hour=16, minute=0)  # 00:00 in Beijing: the end of the day before
    assert days_until(midnight, T0) == 0


def test_after_the_deadline_an_import_is_refused_before_the_file_is_read(
    sf: sessionmaker[Session], tmp_path: Path
) -> None:
    campaign_id = make_campaign(sf)
    _set_deadline(sf, campaign_id)
    unreadable = tmp_path / "form.xlsx"
    unreadable.write_bytes(b"not a workbook")
    late = DEADLINE + timedelta(minutes=1)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState) as refused:
        nominations.import_nominations(uow, campaign_id, unreadable, clerk("nc"), late)
    assert "报送已于2026年3月12日9时（北京时间）截止" in str(refused.value)
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState):
        nominations.create_nomination(uow, campaign_id, "nc", _entry(), clerk("nc"), late)
    assert count(sf, Nomination) == 0
    desk = _desk(sf, campaign_id, "nc", late)
    assert desk.closed is not None and desk.closed.rule == "submission_deadline"
    assert _desk(sf, campaign_id, "nc").closed is None


def test_a_decided_campaign_refuses_new_nominations_naming_its_phase(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    with UnitOfWork(sf) as uow:  # the phase's writer is bypassed only to set the scene
        uow.session.get_one(Campaign, campaign_id).phase = "closed"
        uow.commit()
    with UnitOfWork(sf) as uow, pytest.raises(InvalidState) as refused:
        nominations.create_nomination(uow, campaign_id, "nc", _entry(), clerk("nc"), T0)
    assert "处于“已结束”阶段" in str(refused.value)


def _update(sf, nomination_id, entry, actor=None, now=T0):  # type: ignore[no-untyped-def]
    with UnitOfWork(sf) as uow:
        row = nominations.update_nomination(uow, actor or clerk("nc"), nomination_id, entry, now)
        return row.version


def test_a_clerk_corrects_a_draft_and_the_audit_names_the_fields_only(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    draft = add(sf, campaign_id, "nc", "张三", extra={"id_number": "360102198001011234"})
    entry = _entry("张三丰", phone="13907910000", votes_for=95)
    _update(sf, draft, replace(entry, summary="新的事迹"))
    with UnitOfWork(sf) as uow:
        row = uow.session.get_one(Nomination, draft)
        assert (row.name, row.summary, row.facts["votes_for"]) == ("张三丰", "新的事迹", 95)
        assert row.facts["extra"] == {"id_number": "360102198001011234"}  # kept
        [event] = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "nomination_corrected")
        )
        assert event.payload == {"fields": ["name", "phone", "votes_for", "summary"]}
        assert "13907910000" not in str(event.payload) + str(event.reason)


def test_corrections_are_refused_outside_draft_and_return(sf: sessionmaker[Session]) -> None:
    campaign_id = make_campaign(sf)
    _set_deadline(sf, campaign_id)
    other = add(sf, campaign_id, "gz", "李四")
    with pytest.raises(NotFound):  # another unit's nomination does not exist for this clerk
        _update(sf, other, _entry())
    with pytest.raises(PermissionDenied):
        _update(sf, other, _entry(), actor=TEAM)
    submitted = add(sf, campaign_id, "nc")
    fire(sf, submitted, "submit", clerk("nc"))
    with pytest.raises(InvalidState) as refused:
        _update(sf, submitted, _entry())
    assert "当前为“已报送”" in str(refused.value)
    late = DEADLINE + timedelta(days=1)
    draft = add(sf, campaign_id, "nc")
    with pytest.raises(InvalidState):  # a draft after the deadline
        _update(sf, draft, _entry("改名"), now=late)
    # A nomination returned for material is answered after the deadline: it may be corrected.
    fire(sf, submitted, "begin_review")
    [task] = open_tasks(sf, submitted)
    complete(sf, task.id, "return", TEAM, opinion="缺少事迹材料")
    _update(sf, submitted, _entry("补正"), now=late)
    with UnitOfWork(sf) as uow:
        assert uow.session.get_one(Nomination, submitted).name == "补正"
