"""The download buttons of the exports on the pages: only the kinds the viewer may have
(the final list only once decided)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from models import Campaign
from workflow.access.exports import KINDS, may_export
from workflow.actors import Actor
from workflow.queries.decision import is_decided


@dataclass(frozen=True)
class ExportLink:
    """One button: the kind (its words come from the catalogue) and the API address."""

    kind: str
    href: str


def export_links(
    actor: Actor, campaign: Campaign, kinds: Iterable[str] = KINDS
) -> list[ExportLink]:
    """The buttons of these kinds that the actor may use, for one campaign."""
    base = f"/api/campaigns/{quote(campaign.code, safe='')}/exports"
    return [
        ExportLink(k, f"{base}/{k}.xlsx")
        for k in kinds
        if may_export(actor, k) and (k != "final_list" or is_decided(campaign))
    ]
