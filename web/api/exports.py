"""A campaign's documents as XLSX downloads: 汇总表, 表彰名单, composition, funnel, workload."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from web.deps import CurrentActor, Now, Uow
from workflow.services import exports
from workflow.services.campaigns import find_campaign

router = APIRouter(tags=["exports"])


def content_disposition(filename: str, ascii_filename: str) -> str:
    """An attachment with the Chinese name as RFC 5987 `filename*` and an ASCII fallback."""
    return f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename)}"


@router.get(
    "/campaigns/{campaign_ref}/exports/{kind}.xlsx",
    response_class=Response,
    responses={200: {"content": {exports.XLSX: {}}, "description": "the XLSX file"}},
)
def export(
    campaign_ref: str,
    kind: str,
    uow: Uow,
    actor: CurrentActor,
    now: Now,
    unit: str | None = Query(default=None, max_length=60, description="summary, composition"),
) -> Response:
    """The document as XLSX (kinds: summary, final_list, composition, funnel, workload): a
    clerk gets its own unit's; 404 for an unknown kind, 403 for one the caller may not have."""
    campaign = find_campaign(uow, campaign_ref)
    done = exports.export(uow, actor, campaign, kind, now, unit)
    headers = {"Content-Disposition": content_disposition(done.filename, done.ascii_filename)}
    return Response(done.data, media_type=exports.XLSX, headers=headers)
