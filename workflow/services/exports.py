"""Exporting a campaign's documents as XLSX: who may have which, read through the policy.

One use case for every entry point (`honorflow export`, `GET /api/campaigns/{ref}/exports/
<kind>.xlsx`, the pages' download buttons): the kind's roles and the unit are checked by
`workflow.access.exports`, the rows are read by the shared queries (visibility, recusal and
masking applied there), and the document module of the kind lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from config.catalogue import DEFAULT, text
from models import Campaign, RecommendingUnit
from models.uow import UnitOfWork
from workflow.access.exports import KINDS, export_unit
from workflow.actors import Actor
from workflow.exports.composition import composition_sheet
from workflow.exports.final_list import final_list_sheet
from workflow.exports.funnel import funnel_sheet
from workflow.exports.sheet import Sheet, write_book
from workflow.exports.summary import summary_sheet
from workflow.exports.workload import workload_sheet
from workflow.queries.campaigns import composition_for, department_names
from workflow.queries.decision import final_list
from workflow.queries.funnel import stage_funnel
from workflow.queries.recommended import recommended
from workflow.queries.workload import workload
from workflow.repository import not_found

__all__ = ["KINDS", "ExportFile", "export"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportFile:
    """An exported document: its bytes, its file names and how many data rows it holds."""

    kind: str
    filename: str  # in Chinese, as offices file it
    ascii_filename: str  # for clients that cannot read an RFC 5987 name
    data: bytes
    rows: int
    unit_code: str | None


@dataclass(frozen=True)
class _Request:
    uow: UnitOfWork
    actor: Actor
    campaign: Campaign
    unit: RecommendingUnit | None
    now: datetime
    locale: str


def export(
    uow: UnitOfWork,
    actor: Actor,
    campaign: Campaign,
    kind: str,
    now: datetime,
    unit_code: str | None = None,
    locale: str = DEFAULT,
) -> ExportFile:
    """The document of this kind for the campaign (of one unit when named): refused for a
    kind the actor may not have, another unit's for a clerk, an unknown kind or unit."""
    code = export_unit(actor, kind, unit_code)
    unit = _unit(uow, code) if code is not None else None
    sheet, rows = BUILDERS[kind](_Request(uow, actor, campaign, unit, now, locale))
    suffix = f"（{unit.name}）" if unit is not None else ""
    name = text(f"export.kind.{kind}", locale)
    ascii_name = f"{campaign.code}-{kind}" + (f"-{unit.code}" if unit is not None else "")
    return ExportFile(
        kind, f"{campaign.title}{name}{suffix}.xlsx", f"{ascii_name}.xlsx",
        write_book([sheet]), rows, code,
    )  # fmt: skip


def _unit(uow: UnitOfWork, code: str) -> RecommendingUnit:
    found = uow.session.scalars(
        select(RecommendingUnit).where(RecommendingUnit.code == code)
    ).one_or_none()
    if found is None:
        raise not_found("unit", code)
    return found


def _summary(r: _Request) -> tuple[Sheet, int]:
    code = r.unit.code if r.unit is not None else None
    rows = recommended(r.uow, r.actor, r.campaign, code)
    scope = "unit" if code is not None else "submitted"
    _, results = composition_for(r.uow, r.actor, r.campaign, scope, unit=code)
    name = r.unit.name if r.unit is not None else None
    return summary_sheet(r.campaign, name, rows, results, r.now, r.locale), len(rows)


def _final_list(r: _Request) -> tuple[Sheet, int]:
    found = final_list(r.uow, r.actor, r.campaign)
    return final_list_sheet(found, r.now, r.locale), found.count


def _composition(r: _Request) -> tuple[Sheet, int]:
    code = r.unit.code if r.unit is not None else None
    scope = "unit" if code is not None else "final"
    size, results = composition_for(r.uow, r.actor, r.campaign, scope, unit=code)
    return composition_sheet(r.campaign, scope, size, results, r.now, r.locale), len(results)


def _funnel(r: _Request) -> tuple[Sheet, int]:
    steps = stage_funnel(r.uow, r.actor, r.campaign)
    return funnel_sheet(r.campaign, steps, r.now, r.locale), len(steps)


def _workload(r: _Request) -> tuple[Sheet, int]:
    rows = workload(r.uow, r.actor, r.campaign.id, r.now)
    names = department_names(r.uow)
    return workload_sheet(r.campaign, rows, names, r.now, r.locale), len(rows)


BUILDERS: dict[str, Callable[[_Request], tuple[Sheet, int]]] = {
    "summary": _summary,
    "final_list": _final_list,
    "composition": _composition,
    "funnel": _funnel,
    "workload": _workload,
}
assert tuple(BUILDERS) == KINDS  # every kind the policy knows has its document
