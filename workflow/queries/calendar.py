"""The working-day calendar as administrators read it: the years it knows, and campaigns whose
deadlines run into a year it does not know yet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import func, select

from config.dates import local_day
from models import PHASES, CalendarYear, Campaign, Deadline
from models.scheduling import PENDING
from models.uow import UnitOfWork
from workflow.access.gates import require_admin
from workflow.actors import Actor
from workflow.calendar import package_years
from workflow.calendar_schedule import schedule_from_json
from workflow.step import load_calendar

# Phases in which a campaign still computes deadlines.
RUNNING = PHASES[:3]
# How far past a campaign's latest deadline its next deadlines may fall: a stage entered on
# that day runs its working days from there (the longest shipped stage is 15 working days,
# three weeks and more with a holiday in between).
LOOKAHEAD = timedelta(days=31)


@dataclass(frozen=True)
class LoadedYearRow:
    """A loaded year: its figures, the file it came from, who loaded it and when."""

    year: int
    holidays: int
    rest_days: int
    workdays: int
    notice: str
    source: str
    loaded_by: str
    loaded_at: datetime


@dataclass(frozen=True)
class KnownYears:
    """Every year the calendar knows: loaded ones, and the holiday package's range."""

    loaded: list[LoadedYearRow]
    package_first: int
    package_last: int
    package_version: str

    @property
    def replaced(self) -> list[int]:
        """Package years a loaded schedule replaces."""
        return [r.year for r in self.loaded if self.package_first <= r.year <= self.package_last]


def known_years(uow: UnitOfWork, actor: Actor) -> KnownYears:
    """The loaded years (by year) and the installed package's years (administrators)."""
    require_admin(actor)
    rows = uow.session.scalars(select(CalendarYear).order_by(CalendarYear.year))
    loaded = []
    for row in rows:
        s = schedule_from_json(row.schedule)
        figures = (len(s.holidays), len(s.rest_days), len(s.workdays), s.notice)
        loaded.append(LoadedYearRow(row.year, *figures, row.source, row.loaded_by, row.loaded_at))
    years = package_years()
    return KnownYears(loaded, years.start, years.stop - 1, _package_version())


def _package_version() -> str:
    try:
        return version("chinesecalendar")
    except PackageNotFoundError:  # pragma: no cover - the package is a pinned dependency
        return "?"


@dataclass(frozen=True)
class CalendarGap:
    """A running campaign whose deadlines reach years without a schedule."""

    code: str
    title: str
    latest: date
    years: tuple[int, ...]


def calendar_gaps(uow: UnitOfWork, actor: Actor, now: datetime) -> list[CalendarGap]:
    """Running campaigns whose pending deadlines or submission deadline (and the month after
    them) reach a year the calendar has no schedule for (administrators)."""
    require_admin(actor)
    latest_due = dict(
        uow.session.execute(
            select(Deadline.campaign_id, func.max(Deadline.due_at))
            .where(Deadline.status == PENDING)
            .group_by(Deadline.campaign_id)
        ).all()
    )
    calendar = load_calendar(uow)
    today = local_day(now)
    gaps = []
    campaigns = select(Campaign).where(Campaign.phase.in_(RUNNING)).order_by(Campaign.id)
    for campaign in uow.session.scalars(campaigns):
        dates = [d for d in (latest_due.get(campaign.id), campaign.submission_deadline) if d]
        if not dates:
            continue
        latest = local_day(max(dates))
        reached = range(min(today, latest).year, (latest + LOOKAHEAD).year + 1)
        missing = tuple(y for y in reached if not calendar.knows_year(y))
        if missing:
            gaps.append(CalendarGap(campaign.code, campaign.title, latest, missing))
    return gaps
