"""The working team's page of nominations across units: the gate, the list and the form's choices.

One read for the page `/office/nominations`: the office gate (`workflow.access.bulk`), the
filtered, sorted, paged list (`nomination_search`) and what the filter form and the bulk action
bar offer. The API's list and the CLI read the same list through `search_nominations`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select

from models import Campaign, Nomination
from models.uow import UnitOfWork
from workflow.access.bulk import bulk_triggers_for, require_office
from workflow.actors import Actor
from workflow.queries.nomination_search import (
    FilterChoices,
    NominationFilter,
    filter_choices,
    search_nominations,
)
from workflow.queries.paging import Paged


@dataclass(frozen=True)
class OfficeListing:
    """One page of the office list with the filter that made it and the form's options."""

    filter: NominationFilter
    found: Paged[Nomination]
    choices: FilterChoices
    triggers: list[str]

    @property
    def pages(self) -> int:
        """How many pages the whole list has (at least one)."""
        return max(1, -(-self.found.total // self.filter.size))

    @property
    def first(self) -> int:
        """The position of the page's first row (0 when the list is empty)."""
        return (self.filter.page - 1) * self.filter.size + 1 if self.found.items else 0

    @property
    def last(self) -> int:
        """The position of the page's last row."""
        return self.first + len(self.found.items) - 1 if self.found.items else 0


def office_listing(uow: UnitOfWork, actor: Actor, where: NominationFilter) -> OfficeListing:
    """The office list for the working team or an administrator (PermissionDenied otherwise).

    Without a campaign the newest one is shown, and the filter says so (it stays in the URL).
    """
    require_office(actor)
    campaign = None
    if where.campaign is None:
        campaign = uow.session.scalars(select(Campaign).order_by(Campaign.id.desc())).first()
        if campaign is not None:
            where = replace(where, campaign=campaign.code)
    found = search_nominations(uow, actor, where)
    if campaign is None and where.campaign is not None:
        from workflow.services.campaigns import find_campaign

        campaign = find_campaign(uow, where.campaign)
    return OfficeListing(where, found, filter_choices(uow, campaign), bulk_triggers_for(actor))
