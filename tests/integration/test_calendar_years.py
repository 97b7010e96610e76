"""Loaded calendar years on the real databases: storing, replacing, audit, every process seeing
them, a real deadline computed with one, and the dashboard's warning about years missing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import AuditEvent, CalendarYear, Campaign, Deadline, ReviewTask
from models.uow import UnitOfWork
from tests.conftest import ADMIN, make_campaign
from tests.integration import flow
from tests.unit.test_calendar_years import SYNTHETIC_2027
from workflow import calendar_store
from workflow.errors import CalendarRangeError, CalendarScheduleInvalid, PermissionDenied
from workflow.queries.calendar import calendar_gaps, known_years
from workflow.services import calendar as calendar_service
from workflow.step import load_calendar

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
# Thursday 4 February 2027, 10:00 in Beijing: the day before the synthetic Spring Festival.
BEFORE_FESTIVAL = datetime(2027, 2, 4, 2, 0, tzinfo=UTC)


def load(sf: sessionmaker[Session], text: str = SYNTHETIC_2027, actor=ADMIN):  # type: ignore[no-untyped-def]
    with UnitOfWork(sf) as uow:
        return calendar_service.load_year(uow, text, "2027.yaml", actor, NOW)


def stored(sf: sessionmaker[Session]) -> list[tuple[int, str]]:
    with UnitOfWork(sf) as uow:
        return calendar_store.stamps(uow)


def test_loading_stores_the_year_and_audits_it(sf: sessionmaker[Session]) -> None:
    done = load(sf)
    assert (done.year, done.replaced) == (2027, False)
    with UnitOfWork(sf) as uow:
        row = uow.session.get(CalendarYear, 2027)
        assert row is not None and row.loaded_by == "admin (admin)" and row.loaded_at == NOW
        assert row.source == "2027.yaml" and row.checksum == done.schedule.checksum
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.trigger == "calendar_year_loaded")
        ).one()
        assert event.reason == (
            "载入2027年节假日安排（文件“2027.yaml”）：3个节假日共13天放假，2个调休上班日"
        )
        known = known_years(uow, ADMIN)
    assert [(r.year, r.rest_days, r.workdays) for r in known.loaded] == [(2027, 13, 2)]
    assert (known.package_first, known.package_last, known.replaced) == (2004, 2026, [])


def test_loading_again_replaces_the_year_in_every_process(sf: sessionmaker[Session]) -> None:
    load(sf)
    with UnitOfWork(sf) as uow:
        first = load_calendar(uow)
        assert first.is_working_day(datetime(2027, 2, 20).date()) is True
    with UnitOfWork(sf) as uow:  # nothing loaded since: the very same calendar, no re-read
        assert load_calendar(uow) is first
    moved = SYNTHETIC_2027.replace("2027-02-20", "2027-02-27")
    assert load(sf, moved).replaced is True
    with UnitOfWork(sf) as uow:  # the digest changed: read again, as another process would
        again = load_calendar(uow)
    assert again is not first
    assert again.is_working_day(datetime(2027, 2, 20).date()) is False
    assert again.is_working_day(datetime(2027, 2, 27).date()) is True
    assert len(stored(sf)) == 1


def test_a_bad_file_or_a_wrong_role_changes_nothing(sf: sessionmaker[Session]) -> None:
    load(sf)
    before = stored(sf)
    with pytest.raises(CalendarScheduleInvalid):
        load(sf, SYNTHETIC_2027.replace("2027-02-20", "2027-02-17"))
    with pytest.raises(PermissionDenied):
        load(sf, SYNTHETIC_2027.replace("2027-02-20", "2027-02-27"), flow.TEAM)
    with pytest.raises(PermissionDenied), UnitOfWork(sf) as uow:
        known_years(uow, flow.TEAM)
    assert stored(sf) == before
    assert flow.count(sf, AuditEvent, trigger="calendar_year_loaded") == 1


def test_a_review_begun_in_2027_is_refused_until_the_year_is_loaded(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    n = flow.add(sf, campaign_id)
    flow.fire(sf, n, "submit", now=BEFORE_FESTIVAL)
    with pytest.raises(CalendarRangeError):
        flow.fire(sf, n, "begin_review", now=BEFORE_FESTIVAL)
    load(sf)
    flow.fire(sf, n, "begin_review", now=BEFORE_FESTIVAL)
    with UnitOfWork(sf) as uow:
        task = uow.session.scalars(select(ReviewTask).where(ReviewTask.nomination_id == n)).one()
        due = {
            d.kind: d.due_at
            for d in uow.session.scalars(select(Deadline).where(Deadline.task_id == task.id))
        }
    # 10 working days from Thursday 4 Feb: 5 Feb; 15-19 Feb; Saturday 20 Feb (make-up); 22-24.
    end = datetime(2027, 2, 24, 16, 0, tzinfo=UTC)
    assert task.due_at == end
    assert due == {
        "task_due": end,
        "reminder:3": datetime(2027, 2, 20, 1, 0, tzinfo=UTC),  # 09:00 on the make-up Saturday
        "reminder:1": datetime(2027, 2, 23, 1, 0, tzinfo=UTC),
    }


def set_submission_deadline(sf: sessionmaker[Session], campaign_id: int, at: datetime) -> None:
    with UnitOfWork(sf) as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.submission_deadline = at
        uow.commit()


def gaps(sf: sessionmaker[Session], now: datetime = NOW) -> list[tuple[str, tuple[int, ...]]]:
    with UnitOfWork(sf) as uow:
        return [(g.code, g.years) for g in calendar_gaps(uow, ADMIN, now)]


def test_the_dashboard_warns_of_deadlines_reaching_an_unknown_year(
    sf: sessionmaker[Session],
) -> None:
    campaign_id = make_campaign(sf)
    flow.to_joint_review(sf, flow.add(sf, campaign_id))  # pending deadlines in March 2026
    assert gaps(sf, flow.T0) == []
    set_submission_deadline(sf, campaign_id, datetime(2026, 12, 18, 9, 0, tzinfo=UTC))
    # Stages entered on 18 Dec run into January 2027, which nothing knows yet.
    assert gaps(sf) == [("jx2026", (2027,))]
    with UnitOfWork(sf) as uow:
        assert calendar_gaps(uow, ADMIN, NOW)[0].latest.isoformat() == "2026-12-18"
    with pytest.raises(PermissionDenied), UnitOfWork(sf) as uow:
        calendar_gaps(uow, flow.TEAM, NOW)
    load(sf)
    assert gaps(sf) == []
    set_submission_deadline(sf, campaign_id, datetime(2027, 12, 20, 9, 0, tzinfo=UTC))
    assert gaps(sf) == [("jx2026", (2028,))]
    with UnitOfWork(sf) as uow:  # a closed campaign computes no more deadlines
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        campaign.phase = "closed"
        uow.commit()
    assert gaps(sf) == []
