"""Checks across a nominee's fields, shared by the form import and the input model.

Each check returns the catalogue Message that says what is wrong, or None; the import puts
it at its row and column, the API and the page form at their field.
"""

from __future__ import annotations

from datetime import date

from config.catalogue import Label, Listing, Message, msg
from workflow import vocabulary

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
