"""Controlled vocabularies: codes the rules read, with the Chinese labels forms use."""

from __future__ import annotations

from collections.abc import Mapping

from config import catalogue
from workflow.bounded_yaml import excerpt


class Vocabulary(dict[str, str]):
    """Code -> Chinese label of one kind; the labels live in the catalogue (`vocab.<kind>.*`)."""

    def __init__(self, kind: str, codes: tuple[str, ...]) -> None:
        super().__init__(
            (code, catalogue.text(f"vocab.{kind}.{code}", catalogue.DEFAULT)) for code in codes
        )
        self.kind = kind


def _labels(kind: str, codes: tuple[str, ...]) -> Vocabulary:
    return Vocabulary(kind, codes)


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
    """Return the code for a code or a label (Chinese, or English for a Vocabulary).

    ValueError carries a catalogue Message that lists the accepted values.
    """
    wanted = text.strip()
    folded = wanted.casefold()
    kind = getattr(vocab, "kind", None)
    for code, label in vocab.items():
        # Codes and English labels are matched case-insensitively; Chinese labels exactly.
        english = catalogue.text(f"vocab.{kind}.{code}", "en").casefold() if kind else None
        if folded in (code.casefold(), english) or wanted == label:
            return code
    choices = tuple(catalogue.Label(f"vocab.{kind}", c) if kind else c for c in vocab)
    raise ValueError(
        catalogue.msg(
            "import.not_a_code", value=excerpt(wanted), choices=catalogue.Listing(choices, "or")
        )
    )
