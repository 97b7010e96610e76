"""各部门审核工作量: review tasks open, being worked, done and overdue, per department."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from config.catalogue import text
from models import Campaign
from workflow.exports.sheet import Column, Sheet, subtitle
from workflow.queries.workload import Workload

COLUMNS = (
    Column("index", 6, "int"),
    Column("department", 24),
    Column("open", 10, "int"),
    Column("claimed", 10, "int"),
    Column("done", 10, "int"),
    Column("overdue", 10, "int"),
    Column("total", 10, "int"),
    Column("oldest_due", 22, "instant"),
)


def workload_sheet(
    campaign: Campaign,
    rows: Sequence[Workload],
    names: Mapping[str, str],
    now: datetime,
    locale: str,
) -> Sheet:
    """One row per department (named as the definitions name it), totals at the foot."""
    lines = [
        [i, names.get(w.department, w.department), w.open, w.claimed, w.done, w.overdue,
         w.total, w.oldest_due]
        for i, w in enumerate(rows, start=1)
    ]  # fmt: skip
    counted = ("open", "claimed", "done", "overdue", "total")
    total = [
        text("export.total_label", locale),
        "",
        *(sum(getattr(w, f) for w in rows) for f in counted),
    ]
    return Sheet(
        tab=text("export.kind.workload", locale),
        title=text("export.title.workload", locale, campaign=campaign.title),
        subtitle=subtitle([campaign.title], now, locale),
        columns=COLUMNS,
        rows=lines,
        foot=[total],
        locale=locale,
    )
