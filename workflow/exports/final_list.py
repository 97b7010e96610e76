"""表彰名单: the awarded names grouped as the definition says, each group under its heading."""

from __future__ import annotations

from datetime import datetime

from config.catalogue import label, text
from workflow.exports.sheet import Column, Sheet, subtitle
from workflow.queries.decision import FinalList, HonoureeGroup

COLUMNS = (
    Column("index", 6, "int"),
    Column("name", 12),
    Column("gender", 6),
    Column("ethnicity", 8),
    Column("employer", 40, wrap=True),
    Column("category", 16),
    Column("unit", 18),
)


def _group_rows(group: HonoureeGroup, locale: str) -> list[list[object]]:
    """The group's heading, then its honourees numbered from 1."""
    count = len(group.honourees)
    head = text("export.group_heading", locale, group=group.title(locale), count=count)
    lines: list[list[object]] = [[head]]
    for i, h in enumerate(group.honourees, start=1):
        lines.append([
            i, h.name, label("vocab.gender", h.gender, locale), h.ethnicity, h.employer,
            label("vocab.category", h.category, locale), h.unit_name,
        ])  # fmt: skip
    return lines


def final_list_sheet(final: FinalList, now: datetime, locale: str) -> Sheet:
    """The list with a heading row per group; when it was decided (and any override) below."""
    rows: list[list[object]] = []
    headings: set[int] = set()
    section = None
    for group in final.groups:
        if group.honour != section:  # 劳动模范 and 先进工作者 apart, each under its title
            section = group.honour
            headings.add(len(rows))
            rows.append([section])
        headings.add(len(rows))
        rows += _group_rows(group, locale)
    campaign = final.campaign
    grouped = text(f"export.grouped_by.{final.group_by}", locale)
    foot: list[list[object]] = [
        [text("export.total_label", locale), text("export.honourees", locale, count=final.count)],
        [text("export.decided_at", locale), final.decided_at or ""],
    ]
    if final.override:
        foot.append([text("export.override", locale), final.override])
    return Sheet(
        tab=text("export.kind.final_list", locale),
        title=text("export.title.final_list", locale, campaign=campaign.title),
        subtitle=subtitle([campaign.title, grouped], now, locale),
        columns=COLUMNS,
        rows=rows,
        foot=foot,
        headings=frozenset(headings),
        locale=locale,
    )
