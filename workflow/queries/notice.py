"""The official notice (公示) and the final list (表彰名单) as documents read them.

Public fields only — 姓名, 性别, 民族, 工作单位及职务（职称）— never an identity number, a
birth date, a phone or an address. Both are grouped as the definition's `documents.group_by`
says (by recommending unit or by category), so the notice and the final list read alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select

from config.catalogue import label
from config.dates import Period, beijing_midnight, local_day, period_of
from models import Campaign, Deadline, Nomination
from models.uow import UnitOfWork
from workflow.actors import Actor
from workflow.campaign_office import CampaignOffice, office_of
from workflow.definition import StageKind
from workflow.errors import CalendarRangeError
from workflow.queries.decision import final_list
from workflow.services.definitions import definition_of
from workflow.step import load_calendar

NOTICE_END = "notice_end"


@dataclass(frozen=True)
class NoticeLine:
    """One nominee on a document: the public fields, and the 序号 across the document."""

    number: int
    nomination_id: int
    name: str
    gender: str
    ethnicity: str
    employer: str
    alternate: bool = False


@dataclass(frozen=True)
class DocumentGroup:
    """One group of a document (a recommending unit, or a category) with its lines."""

    title: str
    lines: list[NoticeLine]
    section: str = ""  # the final list's title (劳动模范, 先进工作者) the group stands under


@dataclass(frozen=True)
class NoticeDocument:
    """The notice as published: wording and office, the grouped list, 公示时间, date of issue."""

    campaign: Campaign
    office: CampaignOffice
    groups: list[DocumentGroup]
    period: Period | None
    issued_on: date | None

    @property
    def count(self) -> int:
        """How many nominees the notice names."""
        return sum(len(g.lines) for g in self.groups)


@dataclass(frozen=True)
class FinalListDocument:
    """The final list as printed: title, office, grouped names, the decision's day."""

    campaign: Campaign
    office: CampaignOffice
    groups: list[DocumentGroup]
    decided_on: date | None

    @property
    def count(self) -> int:
        """How many honourees the list holds."""
        return sum(len(g.lines) for g in self.groups)


def notice_stages(campaign: Campaign) -> list[str]:
    """The states of the campaign's definition that are a public notice."""
    stages = definition_of(campaign.definition).stages
    return [s.id for s in stages if s.kind is StageKind.PUBLIC_NOTICE]


def _group_key(n: Nomination, by: str, locale: str) -> tuple[tuple[int, str], str]:
    if by == "category":
        return (0, n.category), label("vocab.category", n.category, locale)
    return (n.unit_id, n.unit.code), n.unit.name


def _employer(n: Nomination) -> str:
    post = str(n.facts.get("post") or "").strip()  # 职务（职称）where the form gave it apart
    return f"{n.employer}{post}" if post and post not in n.employer else n.employer


def _line(n: Nomination, locale: str) -> NoticeLine:
    """A nominee's public fields (序号 set when the document is numbered)."""
    return NoticeLine(
        0, n.id, n.name, label("vocab.gender", n.gender, locale),
        str(n.facts.get("ethnicity") or ""), _employer(n), n.rank != "main",
    )  # fmt: skip


def grouped(rows: Iterable[Nomination], by: str, locale: str) -> list[DocumentGroup]:
    """Nominations as document groups in the order given, 序号 running across the groups."""
    groups: dict[tuple[int, str], DocumentGroup] = {}
    for n in rows:
        key, title = _group_key(n, by, locale)
        groups.setdefault(key, DocumentGroup(title, [])).lines.append(_line(n, locale))
    return _numbered([groups[k] for k in sorted(groups)])


def _numbered(groups: list[DocumentGroup]) -> list[DocumentGroup]:
    """序号 running across the groups, in their order."""
    number = 0
    for group in groups:
        for i, line in enumerate(group.lines):
            number += 1
            group.lines[i] = replace(line, number=number)
    return groups


def notice_document(uow: UnitOfWork, campaign: Campaign, locale: str = "zh-CN") -> NoticeDocument:
    """The campaign's notice as the public reads it (no login: public fields only)."""
    rows = list(
        uow.session.scalars(
            select(Nomination)
            .where(
                Nomination.campaign_id == campaign.id,
                Nomination.status.in_(notice_stages(campaign)),
            )
            .order_by(Nomination.rank.desc(), Nomination.unit_id, Nomination.alternate_order,
                      Nomination.id)
        ).unique()
    )  # fmt: skip
    by = definition_of(campaign.definition).documents.group_by
    period, issued = _period(uow, rows)
    office = office_of(campaign, locale)
    return NoticeDocument(campaign, office, grouped(rows, by, locale), period, issued)


def _period(uow: UnitOfWork, rows: list[Nomination]) -> tuple[Period | None, date | None]:
    """公示时间 and the day of issue: the notice is issued the day the first nominee entered
    it, and counts from the next working day (the day it starts is not counted) to the last
    day of the latest end; the working days are the calendar's count of that span."""
    if not rows:
        return None, None
    ends = uow.session.scalars(
        select(Deadline.due_at).where(
            Deadline.nomination_id.in_([n.id for n in rows]), Deadline.kind == NOTICE_END
        )
    ).all()
    entered = min(n.stage_entered_at or n.updated_at for n in rows)
    issued = local_day(entered)
    if not ends:
        return None, issued
    end = max(ends)
    try:
        calendar = load_calendar(uow)
        first = calendar.next_working_day(issued)
        start: datetime = beijing_midnight(first)
        days = calendar.working_days_between(first, period_of(start, end).last)
    except CalendarRangeError:  # a year the calendar does not know: the days without a count
        return period_of(entered, end), issued
    return period_of(start, end, days), issued


def final_list_document(
    uow: UnitOfWork, actor: Actor, campaign: Campaign, locale: str = "zh-CN"
) -> FinalListDocument:
    """The final list for printing: `decision.final_list` — its access, its refusal before the
    decision, its groups under their titles — with each honouree's public fields."""
    found = final_list(uow, actor, campaign)
    ids = [h.id for g in found.groups for h in g.honourees]
    by_id = {
        n.id: n
        for n in uow.session.scalars(select(Nomination).where(Nomination.id.in_(ids))).unique()
    }
    groups = [
        DocumentGroup(g.title(locale), [_line(by_id[h.id], locale) for h in g.honourees], g.honour)
        for g in found.groups
    ]
    decided = local_day(found.decided_at) if found.decided_at else None
    office = office_of(campaign, locale)
    return FinalListDocument(campaign, office, _numbered(groups), decided)
