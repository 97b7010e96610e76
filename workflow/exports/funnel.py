"""评审漏斗: how many nominations ever reached each step of the road, and how many are there now."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from config.catalogue import state_label, text
from models import Campaign
from workflow.exports.sheet import Column, Sheet, subtitle
from workflow.queries.funnel import FunnelStep

COLUMNS = (
    Column("index", 6, "int"),
    Column("stage", 24),
    Column("entered", 12, "int"),
    Column("now", 12, "int"),
    Column("share_of_first", 14, "share"),
)


def funnel_sheet(
    campaign: Campaign, steps: Sequence[FunnelStep], now: datetime, locale: str
) -> Sheet:
    """Every step with the nominations that entered it, those in it now, and the share of
    the first step that got this far."""
    first = steps[0].entered if steps else 0
    rows = [
        [i, state_label(s.state, locale), s.entered, s.now, s.entered / first if first else 0.0]
        for i, s in enumerate(steps, start=1)
    ]
    return Sheet(
        tab=text("export.kind.funnel", locale),
        title=text("export.title.funnel", locale, campaign=campaign.title),
        subtitle=subtitle([campaign.title], now, locale),
        columns=COLUMNS,
        rows=rows,
        locale=locale,
    )
