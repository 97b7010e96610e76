"""The recommending unit's desk: the form template, deadline and places left, corrections."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from config.catalogue import render
from web.api.nomination_models import NominationOut, nomination_out
from web.deps import CurrentActor, Now, Uow
from web.errors import request_locale
from workflow.nomination_input import NominationFields
from workflow.queries import unit_desk
from workflow.services import nominations
from workflow.services.campaigns import find_campaign

router = APIRouter(tags=["unit desk"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PlacesOut(BaseModel):
    category: str | None = Field(description="the category with places of its own; null: general")
    places: int
    used: int = Field(description="main nominations holding a place (submitted or under review)")
    left: int


class UnitDeskOut(BaseModel):
    campaign: str
    unit_code: str | None
    unit_name: str | None
    submission_deadline: datetime | None
    deadline_text: str | None = Field(description="the deadline in Beijing time, in words")
    days_left: int | None
    open: bool = Field(description="whether nominations, imports and draft corrections are taken")
    closed_code: str | None = Field(description="why not: the refusing rule's code")
    closed_reason: str | None
    places: list[PlacesOut]


class NominationUpdate(NominationFields):
    """Every field of the nomination, as a new one has them (the whole record is replaced)."""

    expected_version: int | None = Field(default=None, ge=1)


@router.get("/campaigns/{campaign_ref}/form-template.xlsx", response_class=Response)
def form_template(campaign_ref: str, uow: Uow, actor: CurrentActor) -> Response:
    """The nomination form as an XLSX template: headers, drop-downs, instructions."""
    campaign = find_campaign(uow, campaign_ref)
    data = unit_desk.form_template(uow, actor, campaign)
    headers = {"Content-Disposition": f'attachment; filename="{campaign.code}-form.xlsx"'}
    return Response(data, media_type=XLSX, headers=headers)


@router.get("/campaigns/{campaign_ref}/my-unit", response_model=UnitDeskOut)
def my_unit(
    campaign_ref: str,
    request: Request,
    uow: Uow,
    actor: CurrentActor,
    now: Now,
    unit: str | None = Query(default=None, max_length=60, description="administrators only"),
) -> UnitDeskOut:
    """The unit's submission deadline, whether it still takes nominations, its places left."""
    campaign = find_campaign(uow, campaign_ref)
    desk = unit_desk.unit_desk(uow, actor, campaign, now, unit)
    locale = request_locale(request)
    return UnitDeskOut(
        campaign=campaign.code,
        unit_code=desk.unit.code if desk.unit else None,
        unit_name=desk.unit.name if desk.unit else None,
        submission_deadline=desk.deadline,
        deadline_text=render(desk.deadline_words, locale) if desk.deadline_words else None,
        days_left=desk.days_left,
        open=desk.closed is None,
        closed_code=desk.closed.rule if desk.closed else None,
        closed_reason=render(desk.closed.message, locale) if desk.closed else None,
        places=[PlacesOut(category=p.category, places=p.places, used=p.used, left=p.left)
                for p in desk.places],
    )  # fmt: skip


@router.put("/nominations/{nomination_id}", response_model=NominationOut)
def correct(
    nomination_id: int, body: NominationUpdate, uow: Uow, actor: CurrentActor, now: Now
) -> NominationOut:
    """Correct a draft or a nomination returned to the unit (409 in any other state)."""
    row = nominations.update_nomination(
        uow, actor, nomination_id, body.entry(), now, body.expected_version
    )
    return nomination_out(row)
