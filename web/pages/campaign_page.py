"""The set-up page of one campaign, rendered by each form on it (a refusal keeps what was sent)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from models.uow import UnitOfWork
from web.charts import composition_svg
from web.pages.context import Viewer
from web.pages.helpers import page_globals, say
from web.pages.render import render
from workflow.campaign_office import LIMITS as OFFICE_FIELDS
from workflow.queries import campaign_admin as read
from workflow.quota_table import UNIT_KINDS
from workflow.rules.composition_edit import KINDS
from workflow.vocabulary import CATEGORIES


def campaign_page(
    request: Request,
    uow: UnitOfWork,
    viewer: Viewer,
    code: str,
    now: datetime,
    status: int = 200,
    **extra: Any,
) -> Response:
    """The set-up page of one campaign, with what a refused form brings along."""
    view = read.campaign_setup(uow, viewer.actor, code, now)
    caption = say(request, "composition_chart")
    if extra.get("quota_rows") is None:
        extra["quota_rows"] = [_quota_cells(r, view.units.get(r.unit_code)) for r in view.quota]
        extra["quota_rows"].append({})  # a blank row to add a unit
    if extra.get("office_form") is None:
        extra["office_form"] = office_cells(view.campaign)
    if extra.get("rule_rows") is None:
        extra["rule_rows"] = [*(v.cells for v in view.rules), {}]
    context = {
        "view": view,
        "campaign": view.campaign,
        "chart": composition_svg(view.results, [v.rule for v in view.rules], caption),
        "quota_errors": {},
        "import_errors": [],
        "categories": list(CATEGORIES),
        "unit_kinds": list(UNIT_KINDS),
        "rule_kinds": KINDS,
        "reason": "",
        "rule_field": None,
        "office_field": None,
        **page_globals(uow, viewer),
        **extra,
    }
    return render(request, "admin_campaign.html", context, status)


def office_cells(campaign: Any) -> dict[str, str]:
    """The campaign office as its form's cells (the wording only where the campaign set it)."""
    return {field: getattr(campaign, field) or "" for field in OFFICE_FIELDS}


def _quota_cells(row: Any, unit: Any) -> dict[str, str]:
    """A stored quota row as the edit form's cells."""
    return {
        "unit_code": row.unit_code,
        "unit_name": row.unit_name,
        "places": str(row.places),
        "category": row.category or "",
        "reserved": "1" if row.reserved else "",
        "kind": unit.kind if unit else "city_union",
        "email": (unit.email or "") if unit else "",
    }
