"""The campaign office: who issues the campaign's documents and how the public reaches it.

One home for the office of a campaign — its name (the notice's 落款), telephone with area
code, postal address and postcode, mailbox (`Campaign.admin_email`, which mail to the office
already uses) — and for the notice's wording (title and opening paragraph), where a campaign
may override the catalogue's shipped defaults. `office_of` is how every reader gets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.catalogue import Message, msg, text
from models import Campaign
from workflow.errors import InvalidInput
from workflow.quota_table import EMAIL

# A landline with its area code (0791-86123456, 010 12345678), an optional extension (转123).
PHONE = re.compile(r"0\d{2,3}[- ]?\d{7,8}(?:(?:-|转)\d{1,6})?")
POSTCODE = re.compile(r"\d{6}")
# Each value is stored in the campaign column of its name; refusals name it so too.
LIMITS = {
    "office_name": 100, "office_phone": 40, "office_address": 200, "office_postcode": 6,
    "admin_email": 200, "notice_title": 200, "notice_opening": 2000,
}  # fmt: skip
REQUIRED = ("office_name", "office_address", "admin_email")
WORDING = ("notice_title", "notice_opening")


@dataclass(frozen=True)
class OfficeInput:
    """What an administrator sets; None leaves a value as it is, "" clears a wording override."""

    office_name: str | None = None
    office_phone: str | None = None
    office_address: str | None = None
    office_postcode: str | None = None
    admin_email: str | None = None
    notice_title: str | None = None
    notice_opening: str | None = None

    def cleaned(self) -> OfficeInput:
        """Each value stripped of surrounding blanks."""
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in vars(self).items()}
        return OfficeInput(**values)

    def check(self) -> None:
        """Refuse the first bad value, naming its field."""
        for field, value in vars(self).items():
            if value is None:
                continue
            problem = _problem(field, value)
            if problem is not None:
                raise InvalidInput(field, problem)


def _problem(field: str, value: str) -> Message | None:
    limit = LIMITS.get(field)
    if field in ("office_phone", "office_postcode") and not value:
        return None  # cleared: the notice then leaves that way of reaching the office out
    if limit is not None and len(value) > limit:
        return msg("notice_doc.too_long", limit=limit)
    if field in REQUIRED and not value:
        return msg("notice_doc.required")
    if field == "office_phone" and not PHONE.fullmatch(value):
        return msg("notice_doc.bad_phone", value=value)
    if field == "office_postcode" and not POSTCODE.fullmatch(value):
        return msg("notice_doc.bad_postcode", value=value)
    if field == "admin_email" and not EMAIL.fullmatch(value):
        return msg("notice_doc.bad_email", value=value)
    return None


def apply_office(campaign: Campaign, data: OfficeInput) -> list[str]:
    """Write the checked values on the campaign; the fields that changed, in order."""
    changed = []
    for field, value in vars(data).items():
        if value is None:
            continue
        stored = value or None  # "" clears an optional value (a wording override: the default)
        if getattr(campaign, field) != stored:
            setattr(campaign, field, stored)
            changed.append(field)
    return changed


@dataclass(frozen=True)
class CampaignOffice:
    """The office as documents show it; the wording is the campaign's or the default."""

    name: str
    phone: str | None
    address: str | None
    postcode: str | None
    email: str
    title: str
    opening: str
    title_is_default: bool
    opening_is_default: bool

    @property
    def complete(self) -> bool:
        """Whether the notice can say every way to reach the office."""
        return bool(self.phone and self.address and self.postcode)


def office_of(campaign: Campaign, locale: str = "zh-CN") -> CampaignOffice:
    """The campaign's office, with the catalogue's default name and wording where unset."""
    name = campaign.office_name or text("notice_doc.default_office", locale)
    title = campaign.notice_title or text(
        "notice_doc.default_title", locale, campaign=campaign.title
    )
    opening = campaign.notice_opening or text(
        "notice_doc.default_opening", locale, campaign=campaign.title, office=name
    )
    return CampaignOffice(
        name=name, phone=campaign.office_phone, address=campaign.office_address,
        postcode=campaign.office_postcode, email=campaign.admin_email, title=title,
        opening=opening, title_is_default=campaign.notice_title is None,
        opening_is_default=campaign.notice_opening is None,
    )  # fmt: skip


def follow_up(office: CampaignOffice, reference: str) -> Message:
    """What an objector is told with their reference: how to follow the case, quoting it."""
    if office.phone:
        return msg("notice_doc.objection_received", reference=reference, phone=office.phone,
                   email=office.email)  # fmt: skip
    return msg("notice_doc.objection_received_email", reference=reference, email=office.email)
