"""推荐对象汇总表: a unit's or the campaign's recommended nominees, as offices hand it up.

Main nominees first, alternates after (in their order); at the foot the totals by 人员类别
and the composition rules over the same set. The exact birth month is there only for those
the masking policy shows it to (the others read the year).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from config.catalogue import label, state_label, text
from models import Campaign
from workflow.exports.composition import status
from workflow.exports.sheet import Column, Sheet, subtitle
from workflow.queries.recommended import Recommended
from workflow.rules.composition import CompositionResult
from workflow.states import AWARDED
from workflow.vocabulary import CATEGORIES

COLUMNS = (
    Column("index", 6, "int"),
    Column("unit", 18),
    Column("name", 10),
    Column("gender", 6),
    Column("ethnicity", 8),
    Column("birth", 12, "month"),
    Column("employer", 36, wrap=True),
    Column("category", 16),
    Column("rank", 10),
    Column("honour", 26, wrap=True),
    Column("note", 16),
)


def rank_text(rank: str, order: int | None, locale: str) -> str:
    """正式, or 后备 with its order."""
    if rank == "main":
        return text("export.rank_main", locale)
    return text("export.rank_alternate", locale, order=order or "")


def row(index: int, r: Recommended, locale: str) -> list[object]:
    """One nominee as a line of the sheet (the note: where the nomination is now)."""
    born = r.birth_month or text("export.birth_year", locale, year=r.birth_year)
    note = "" if r.status == AWARDED else state_label(r.status, locale)
    return [
        index, r.unit_name, r.name, label("vocab.gender", r.gender, locale), r.ethnicity, born,
        r.employer, label("vocab.category", r.category, locale),
        rank_text(r.rank, r.alternate_order, locale), r.honour, note,
    ]  # fmt: skip


def by_category(rows: Sequence[Recommended], locale: str) -> list[list[object]]:
    """Totals by 人员类别: main nominees, alternates, and the category's share of the main."""
    main = Counter(r.category for r in rows if r.rank == "main")
    alternates = Counter(r.category for r in rows if r.rank != "main")
    known = [c for c in CATEGORIES if c in main or c in alternates]
    others = sorted((set(main) | set(alternates)) - set(known))
    total = sum(main.values())
    lines: list[list[object]] = [[text(f"export.col.{k}", locale) for k in FOOT_HEAD]]
    for c in [*known, *others]:
        share = main[c] / total if total else 0.0
        lines.append([label("vocab.category", c, locale), main[c], alternates[c], share])
    return lines


FOOT_HEAD = ("category", "main_count", "alternate_count", "share_of_main")


def foot(
    rows: Sequence[Recommended], results: Sequence[CompositionResult], locale: str
) -> list[list[object]]:
    """The total, the totals by category, then each composition rule and its verdict."""
    main = sum(1 for r in rows if r.rank == "main")
    total = text("export.total", locale, count=len(rows), main=main, alternates=len(rows) - main)
    lines: list[list[object]] = [[text("export.total_label", locale), total], []]
    lines += by_category(rows, locale)
    lines += [[], [text(f"export.col.{k}", locale) for k in ("rule", "status", "detail")]]
    lines += [[r.label, status(r, locale), r.text(locale)] for r in results]
    return lines


def summary_sheet(
    campaign: Campaign,
    unit_name: str | None,
    rows: Sequence[Recommended],
    results: Sequence[CompositionResult],
    now: datetime,
    locale: str,
) -> Sheet:
    """The 汇总表 of one unit (named) or of the whole campaign (None)."""
    unit = text("export.unit_line", locale, unit=unit_name or text("export.all_units", locale))
    return Sheet(
        tab=text("export.kind.summary", locale),
        title=text("export.title.summary", locale, campaign=campaign.title),
        subtitle=subtitle([campaign.title, unit], now, locale),
        columns=COLUMNS,
        rows=[row(i, r, locale) for i, r in enumerate(rows, start=1)],
        foot=foot(rows, results, locale),
        locale=locale,
    )
