"""Controlled vocabularies: codes the rules read, with the Chinese labels forms use."""

from __future__ import annotations

from collections.abc import Mapping

from config import catalogue


def _labels(kind: str, codes: tuple[str, ...]) -> dict[str, str]:
    """Code -> Chinese label; the labels live in the catalogue (`vocab.<kind>.<code>`)."""
    return {code: catalogue.text(f"vocab.{kind}.{code}", catalogue.DEFAULT) for code in codes}


GENDERS = _labels("gender", ("M", "F"))
EMPLOYER_TYPES = _labels(
    "employer_type", ("enterprise", "government", "public_institution", "village", "social_org")
)
# "public" is for government bodies and public institutions.
OWNERSHIPS = _labels("ownership", ("state", "non_public", "public"))
CATEGORIES = _labels(
    "category",
    (
        "front_line_worker",
        "technician",
        "enterprise_head",
        "official",
        "farmer",
        "migrant_worker",
        "scientist",
        "community_worker",
        "gig_worker",
        "other",
    ),
)
OFFICIAL_LEVELS = _labels("official_level", ("none", "section", "county", "bureau"))
HONOUR_LEVEL_LABELS = _labels("honour_level", ("unit", "municipal", "provincial", "national"))


def parse_code(vocab: Mapping[str, str], text: str) -> str:
    """Return the code for a code or Chinese label; ValueError lists the accepted values."""
    wanted = text.strip()
    folded = wanted.casefold()
    for code, label in vocab.items():
        # Codes are matched case-insensitively; labels are Chinese, so exact match.
        if folded == code.casefold() or wanted == label:
            return code
    accepted = ", ".join(f"{code} ({label})" for code, label in vocab.items())
    raise ValueError(f"'{wanted}' is not one of: {accepted}")
