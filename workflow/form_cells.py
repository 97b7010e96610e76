"""Cell parsers of the nomination form: each turns one raw cell into a value or raises ValueError.

A ValueError carries a catalogue Message (`import.*`, with the figures): the reason shown to the
user next to the row and column, in their language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from config.catalogue import Listing, msg
from workflow import vocabulary
from workflow.bounded_yaml import excerpt
from workflow.facts import PriorHonour


def cell_text(raw: Any) -> str:
    """The cell as stripped text; blank for an empty cell, 12 for an XLSX 12.0."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # XLSX stores typed numbers as floats
    return str(raw).strip()


def nonblank(raw: Any) -> str:
    """Text that must not be blank."""
    text = cell_text(raw)
    if not text:
        raise ValueError(msg("import.blank"))
    return text


_TRUE = {"yes", "true", "1", "y", "是"}
# What the template's drop-downs offer for a yes/no column and a grade (both parse here).
BOOLEAN_LABELS = ("是", "否")
GRADES = ("A", "B", "C", "D")
_FALSE = {"no", "false", "0", "n", "否", ""}


def boolean(raw: Any) -> bool:
    """A yes/no cell in English or Chinese; blank means no."""
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw).casefold()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    accepted = Listing(("是", "否", "yes", "no", "true", "false", "1", "0", "y", "n"))
    raise ValueError(msg("import.not_boolean", value=excerpt(cell_text(raw)), accepted=accepted))


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def optional_date(raw: Any) -> date | None:
    """A date typed by the spreadsheet or written out; blank means none."""
    if isinstance(raw, datetime):  # check first: datetime is a subclass of date
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = cell_text(raw)
    if not text:
        return None
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        examples = Listing(("2024-05-01", "2024/5/1", "2024年5月1日"), "or")
        raise ValueError(msg("import.not_a_date", value=excerpt(text), examples=examples)) from None


def required_date(raw: Any) -> date:
    """A date that must be given."""
    value = optional_date(raw)
    if value is None:
        raise ValueError(msg("import.blank"))
    return value


def count(raw: Any) -> int:
    """A whole number >= 0 that must be given."""
    text = nonblank(raw)
    if not text.isascii() or not text.isdigit():
        raise ValueError(msg("import.not_a_count", value=excerpt(text)))
    return int(text)


def code(vocab: vocabulary.Vocabulary, blank: str | None = None) -> Callable[[Any], str | None]:
    """A parser of codes, labels or terms of `vocab`; a blank cell gives `blank` ('error':
    refused)."""

    def parse(raw: Any) -> str | None:
        text = cell_text(raw)
        if not text and blank != "error":
            return blank
        return vocabulary.parse_code(vocab, text)

    return parse


_ALTERNATE = re.compile(r"(?:alternate|后备)\s*[:：]?\s*(\d+)", re.IGNORECASE)


def rank(raw: Any) -> tuple[str, int | None]:
    """Main or alternate nominee: ("main", None) or ("alternate", N)."""
    text = nonblank(raw)
    if text.casefold() in {"main", "主推", "正式"}:
        return "main", None
    match = _ALTERNATE.fullmatch(text)
    if match is None or int(match[1]) < 1:
        raise ValueError(msg("import.not_a_rank", value=excerpt(text)))
    return "alternate", int(match[1])


def rank_labels(alternates: int) -> tuple[str, ...]:
    """The ranks a form offers: main, then alternates 1 to N, as `rank` reads them."""
    return ("主推", *(f"后备{n}" for n in range(1, alternates + 1)))


_ENTRY_SPLIT = re.compile(r"[;；\n]")
_WITH_LEVEL = re.compile(r"(\d{4})\s*[|｜]\s*([^|｜]+?)\s*[|｜]\s*(\S.*)")
_PLAIN = re.compile(r"(\d{4})\s*年?\s*(\S.*)")


def _infer_level(title: str) -> str:
    # Order matters: a national title may also name a province or city.
    if "全国" in title:
        return "national"
    if "省" in title:
        return "provincial"
    if any(mark in title for mark in "市州县区"):
        return "municipal"
    return "unit"


def prior(raw: Any) -> tuple[PriorHonour, ...]:
    """Prior honours, one per entry; the level is inferred from the title when not given."""
    honours: list[PriorHonour] = []
    for entry in (e.strip() for e in _ENTRY_SPLIT.split(cell_text(raw))):
        if not entry:
            continue
        if match := _WITH_LEVEL.fullmatch(entry):
            level = vocabulary.parse_code(vocabulary.HONOUR_LEVEL_LABELS, match[2])
            honours.append(PriorHonour(match[3].strip(), level, int(match[1])))
        elif match := _PLAIN.fullmatch(entry):
            title = match[2].strip()
            honours.append(PriorHonour(title, _infer_level(title), int(match[1])))
        else:
            raise ValueError(msg("import.not_prior_honours", value=excerpt(entry)))
    return tuple(honours)


def limited(limit: int, required: bool) -> Callable[[Any], str]:
    """A parser of text of at most `limit` characters, blank allowed unless `required`."""

    def parse(raw: Any) -> str:
        text = nonblank(raw) if required else cell_text(raw)
        if len(text) > limit:
            raise ValueError(msg("import.too_long", length=len(text), limit=limit))
        return text

    return parse


def grade(raw: Any) -> str | None:
    """A comprehensive evaluation grade A to D (a trailing 级 is dropped); blank means none."""
    text = cell_text(raw).upper().removesuffix("级")
    if text and text not in GRADES:
        raise ValueError(msg("import.not_a_grade", value=excerpt(text)))
    return text or None


def nationality(raw: Any) -> str:
    """A nationality; blank or China in Chinese means CN."""
    text = cell_text(raw)
    return "CN" if text in {"", "中国", "中华人民共和国"} else text
