"""A campaign's office (the notice's 落款, telephone, address, postcode, e-mail) and the
notice's wording: read and set by administrators (the service says so)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from web.deps import CurrentActor, Now, Uow
from workflow.campaign_office import CampaignOffice, OfficeInput
from workflow.clean_text import CleanLongText, CleanText
from workflow.services import campaign_office
from workflow.services.campaigns import find_campaign

router = APIRouter(tags=["campaigns"])


class OfficeIn(BaseModel):
    """Values left out stay as they are; "" clears the telephone, postcode or a wording."""

    office_name: CleanText | None = Field(default=None, max_length=100)
    office_phone: CleanText | None = Field(default=None, max_length=40)
    office_address: CleanText | None = Field(default=None, max_length=200)
    office_postcode: CleanText | None = Field(default=None, max_length=6)
    admin_email: CleanText | None = Field(default=None, max_length=200)
    notice_title: CleanText | None = Field(default=None, max_length=200)
    notice_opening: CleanLongText | None = Field(default=None, max_length=2000)


class OfficeOut(BaseModel):
    campaign: str
    office_name: str
    office_phone: str | None
    office_address: str | None
    office_postcode: str | None
    admin_email: str
    notice_title: str
    notice_opening: str
    title_is_default: bool
    opening_is_default: bool


def office_out(code: str, office: CampaignOffice) -> OfficeOut:
    """The office as the API answers it."""
    return OfficeOut(
        campaign=code, office_name=office.name, office_phone=office.phone,
        office_address=office.address, office_postcode=office.postcode,
        admin_email=office.email, notice_title=office.title, notice_opening=office.opening,
        title_is_default=office.title_is_default, opening_is_default=office.opening_is_default,
    )  # fmt: skip


@router.get("/campaigns/{campaign_ref}/office", response_model=OfficeOut)
def get_office(campaign_ref: str, uow: Uow, actor: CurrentActor) -> OfficeOut:
    """The campaign office and the notice's wording (defaults where the campaign has none)."""
    campaign = find_campaign(uow, campaign_ref)
    return office_out(campaign.code, campaign_office.campaign_office(uow, campaign.id, actor))


@router.put("/campaigns/{campaign_ref}/office", response_model=OfficeOut)
def put_office(
    campaign_ref: str, body: OfficeIn, uow: Uow, actor: CurrentActor, now: Now
) -> OfficeOut:
    """Set the campaign office (administrators); a bad value is 422 naming its field."""
    campaign = find_campaign(uow, campaign_ref)
    data = OfficeInput(**body.model_dump())
    office = campaign_office.set_office(uow, campaign.id, data, actor, now)
    return office_out(campaign.code, office)
