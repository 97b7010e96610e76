"""A campaign's set-up forms: the quota table uploaded or edited in place, and its composition
rules amended with a reason. Each goes through the service the API and the CLI use."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from models.uow import UnitOfWork
from web.deps import Now, Uow, csrf_check, off_the_loop
from web.pages.campaign_page import campaign_page
from web.pages.context import LoggedIn, Viewer
from web.pages.helpers import refusal, say, status_for
from workflow.campaign_office import LIMITS as OFFICE_FIELDS
from workflow.campaign_office import OfficeInput
from workflow.errors import HonorflowError, ImportFailed, ImportTooLarge, InvalidInput
from workflow.quota_table import MAX_BYTES, MAX_ROWS, rows_from_cells
from workflow.rules.composition_edit import MAX_RULES, from_form
from workflow.services import campaign_office, campaigns, composition_rules

router = APIRouter()
QUOTA_FIELDS = ("unit_code", "unit_name", "places", "category", "reserved", "kind", "email")
RULE_FIELDS = ("kind", "id", "label", "group", "base", "min", "max", "per_unit")
CELL = re.compile(r"(?P<prefix>[a-z]+)(?P<index>\d{1,4})\.(?P<field>[a-z_]+)")
CELL_MAX = 500


def indexed_rows(
    form: Mapping[str, Any], prefix: str, fields: tuple[str, ...], limit: int
) -> list[dict[str, str]]:
    """Form cells named `<prefix><i>.<field>` as rows in index order; rows marked `remove` and
    rows left blank are dropped."""
    rows: dict[int, dict[str, str]] = {}
    for key, value in form.items():
        found = CELL.fullmatch(key)
        if not found or found["prefix"] != prefix or not isinstance(value, str):
            continue
        index = int(found["index"])
        if index < limit and (found["field"] in fields or found["field"] == "remove"):
            rows.setdefault(index, {})[found["field"]] = value[:CELL_MAX]
    return [
        cells
        for _, cells in sorted(rows.items())
        if not cells.get("remove") and any(cells.get(f, "").strip() for f in fields if f != "kind")
    ]


@router.post("/admin/campaigns/{code}/quota/import", dependencies=[Depends(csrf_check)])
async def import_quota(
    request: Request,
    code: str,
    viewer: LoggedIn,
    uow: Uow,
    now: Now,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Replace the quota table from a CSV or XLSX file; every bad row is listed at its row."""
    name = (file.filename or "quota.csv").rsplit("/", 1)[-1][-100:]
    data = await file.read(MAX_BYTES + 1)
    return await off_the_loop(_quota_imported, request, code, viewer, uow, now, name, data)


def _quota_imported(
    request: Request, code: str, viewer: Viewer, uow: UnitOfWork, now: datetime, name: str,
    data: bytes,
) -> Response:  # fmt: skip
    """Parse and store the quota table in a worker thread (reading a workbook is CPU work)."""
    try:
        target = campaigns.find_campaign(uow, code)
        campaigns.import_quota_file(uow, target.id, name, data, viewer.actor, now)
    except ImportFailed as refused:
        head = say(request, "import_refused", n=refused.total)
        status = 413 if isinstance(refused, ImportTooLarge) else 422
        return campaign_page(request, uow, viewer, code, now, status, error=head,
                             import_errors=refused.errors)  # fmt: skip
    except HonorflowError as refused:
        return campaign_page(request, uow, viewer, code, now, status_for(refused),
                             error=refusal(request, refused))  # fmt: skip
    return RedirectResponse(f"/admin/campaigns/{code}?done=quota#quota", status_code=303)


@router.post("/admin/campaigns/{code}/quota", dependencies=[Depends(csrf_check)])
async def save_quota(request: Request, code: str, viewer: LoggedIn, uow: Uow, now: Now) -> Response:
    """Save the quota table as edited in place (or add a blank row); errors at their rows."""
    form = await request.form()
    return await off_the_loop(_quota_saved, request, code, viewer, uow, now, form)


def _quota_saved(
    request: Request, code: str, viewer: Viewer, uow: UnitOfWork, now: datetime, form: FormData
) -> Response:
    """Check and store the edited table in a worker thread."""
    rows = indexed_rows(form, "q", QUOTA_FIELDS, MAX_ROWS)
    if form.get("add"):
        return campaign_page(request, uow, viewer, code, now, quota_rows=[*rows, {}])
    try:
        target = campaigns.find_campaign(uow, code)
        table = rows_from_cells("", [(i + 1, dict(r)) for i, r in enumerate(rows)])
        campaigns.set_quota_table(uow, target.id, table, viewer.actor, now)
    except ImportFailed as refused:
        errors: dict[int, list[Any]] = {}
        for e in refused.errors:
            errors.setdefault(e.row, []).append(e)
        head = say(request, "quota_refused", n=len(refused.errors))
        return campaign_page(request, uow, viewer, code, now, 422, error=head,
                             quota_rows=rows, quota_errors=errors)  # fmt: skip
    except HonorflowError as refused:
        return campaign_page(request, uow, viewer, code, now, status_for(refused),
                             error=refusal(request, refused), quota_rows=rows)  # fmt: skip
    return RedirectResponse(f"/admin/campaigns/{code}?done=quota#quota", status_code=303)


@router.post("/admin/campaigns/{code}/rules", dependencies=[Depends(csrf_check)])
async def amend_rules(
    request: Request, code: str, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """Amend the composition rules as edited, with a reason; the report follows at once."""
    form = await request.form()
    return await off_the_loop(_rules_amended, request, code, viewer, uow, now, form)


def _rules_amended(
    request: Request, code: str, viewer: Viewer, uow: UnitOfWork, now: datetime, form: FormData
) -> Response:
    """Check and store the amended rules in a worker thread."""
    rows = indexed_rows(form, "r", RULE_FIELDS, MAX_RULES + 1)
    reason = str(form.get("reason", ""))[:2000]
    if form.get("add"):
        return campaign_page(request, uow, viewer, code, now, rule_rows=[*rows, {}], reason=reason)
    try:
        target = campaigns.find_campaign(uow, code)
        composition_rules.amend_composition(
            uow, target.id, from_form(rows), reason, viewer.actor, now
        )
    except HonorflowError as refused:
        field = refused.field if isinstance(refused, InvalidInput) else None
        return campaign_page(request, uow, viewer, code, now, status_for(refused),
                             error=refusal(request, refused), rule_rows=rows, reason=reason,
                             rule_field=field)  # fmt: skip
    return RedirectResponse(f"/admin/campaigns/{code}?done=rules#rules", status_code=303)


@router.post("/admin/campaigns/{code}/office", dependencies=[Depends(csrf_check)])
async def save_office(
    request: Request, code: str, viewer: LoggedIn, uow: Uow, now: Now
) -> Response:
    """Save the campaign office and the notice's wording; a bad value is marked at its field."""
    form = await request.form()
    return await off_the_loop(_office_saved, request, code, viewer, uow, now, form)


def _office_saved(
    request: Request, code: str, viewer: Viewer, uow: UnitOfWork, now: datetime, form: FormData
) -> Response:
    """Check and store the office in a worker thread."""
    cells = {f: str(form.get(f, ""))[: CELL_MAX * 4] for f in OFFICE_FIELDS}
    try:
        target = campaigns.find_campaign(uow, code)
        campaign_office.set_office(uow, target.id, OfficeInput(**cells), viewer.actor, now)
    except HonorflowError as refused:
        field = refused.field if isinstance(refused, InvalidInput) else None
        return campaign_page(request, uow, viewer, code, now, status_for(refused),
                             error=refusal(request, refused), office_form=cells,
                             office_field=field)  # fmt: skip
    return RedirectResponse(f"/admin/campaigns/{code}?done=office#office", status_code=303)
