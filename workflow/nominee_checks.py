"""Checks across a nominee's fields, shared by the form import and the input model.

Each check returns the catalogue Message that says what is wrong, or None; the import puts
it at its row and column, the API and the page form at their field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from config.catalogue import Label, Listing, Message, msg
from workflow import vocabulary

# What is plausible, counted from the campaign's reference date (README, "Hardening"): the
# nominee's age in years, and how far from it a unit-level notice may lie. The definitions
# have no age parameter; an eligibility rule on age would be configuration of its own.
AGE_RANGE = (16, 100)
NOTICE_YEARS = 3

# Ownership implied by the employer type; non_public is never implied.
DEFAULT_OWNERSHIP = {
    "enterprise": "state",
    "government": "public",
    "public_institution": "public",
    "village": "public",  # village collectives are public (collective) ownership
}


def votes_problem(votes_for: int | None, votes_total: int | None) -> Message | None:
    """More votes for than votes cast."""
    if votes_for is not None and votes_total is not None and votes_for > votes_total:
        return msg("import.votes_exceed", votes_for=votes_for, votes_total=votes_total)
    return None


def notice_problem(start: date | None, end: date | None) -> Message | None:
    """A unit-level notice that ends before it starts."""
    if start is not None and end is not None and end < start:
        return msg("import.notice_ends_before", start=start, end=end)
    return None


def ownership_problem(employer_type: str, ownership: str | None) -> Message | None:
    """An ownership the employer type cannot have, or none where none is implied."""
    employer = Label("vocab.employer_type", employer_type)
    if ownership is None and employer_type not in DEFAULT_OWNERSHIP:
        choices = Listing(
            tuple(Label("vocab.ownership", c) for c in vocabulary.OWNERSHIPS), "slash"
        )
        return msg("import.ownership_needed", employer_type=employer, choices=choices)
    if ownership == "non_public" and employer_type in {"government", "public_institution"}:
        owner = Label("vocab.ownership", ownership)
        return msg("import.ownership_impossible", employer_type=employer, ownership=owner)
    return None


def ownership_or_default(employer_type: str, ownership: str | None) -> str | None:
    """The ownership given, else the one the employer type implies (None if none is)."""
    return ownership if ownership is not None else DEFAULT_OWNERSHIP.get(employer_type)


def age_at(birth: date, reference: date) -> int:
    """Whole years of age on the reference date."""
    return (
        reference.year - birth.year - ((reference.month, reference.day) < (birth.month, birth.day))
    )


def birth_date_problem(birth: date | None, reference: date) -> Message | None:
    """A birth date that makes the nominee younger or older than AGE_RANGE on the reference date."""
    if birth is None:
        return None
    low, high = AGE_RANGE
    if not low <= age_at(birth, reference) <= high:
        return msg("input.implausible_birth_date", low=low, high=high, reference=reference)
    return None


def notice_date_problem(day: date | None, reference: date) -> Message | None:
    """A notice date more than NOTICE_YEARS from the reference date."""
    if day is None or abs((day - reference).days) <= NOTICE_YEARS * 366:
        return None
    return msg("input.implausible_notice_date", years=NOTICE_YEARS, reference=reference)


def cross_problems(values: Mapping[str, Any]) -> list[tuple[str, Message]]:
    """Every check across fields that parsed, by field: votes, the notice period, ownership."""
    found = [
        ("votes_for", votes_problem(values.get("votes_for"), values.get("votes_total"))),
        (
            "unit_notice_end",
            notice_problem(values.get("unit_notice_start"), values.get("unit_notice_end")),
        ),
    ]
    employer_type = values.get("employer_type")
    if employer_type is not None and "ownership" in values:
        found.append(("ownership", ownership_problem(employer_type, values["ownership"])))
    return [(field, why) for field, why in found if why is not None]


def date_problems(values: Mapping[str, Any], reference: date) -> list[tuple[str, Message]]:
    """Dates that cannot be right for a campaign of this reference date, by field."""
    found = [("birth_date", birth_date_problem(values.get("birth_date"), reference))]
    found += [
        (field, notice_date_problem(values.get(field), reference))
        for field in ("unit_notice_start", "unit_notice_end")
    ]
    return [(field, why) for field, why in found if why is not None]
