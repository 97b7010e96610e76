"""Controlled vocabularies: codes the rules read, with the Chinese labels forms use.

The shipped vocabularies below are the defaults. A workflow definition may add its own codes
(with their labels) and map the terms its forms use to codes (`vocabulary:` in the definition,
`workflow.vocabulary_spec`); the result for one definition is a `Vocabularies`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from config import catalogue
from workflow.bounded_yaml import excerpt


class Vocabulary(dict[str, str]):
    """Code -> Chinese label of one kind; shipped labels live in the catalogue (`vocab.<kind>.*`).

    `own` are codes a definition adds, with their labels; `terms` map the words a form may use
    to fields and codes (`国有企业` -> employer_type enterprise and ownership state).
    """

    def __init__(
        self,
        kind: str,
        codes: tuple[str, ...],
        own: Mapping[str, str] | None = None,
        terms: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(
            (code, catalogue.text(f"vocab.{kind}.{code}", catalogue.DEFAULT)) for code in codes
        )
        for code, words in (own or {}).items():
            catalogue.define_label(f"vocab.{kind}", code, words)
            self[code] = words
        self.kind = kind
        self.terms: dict[str, dict[str, str]] = {t: dict(m) for t, m in (terms or {}).items()}

    def extended(
        self, own: Mapping[str, str], terms: Mapping[str, Mapping[str, str]]
    ) -> Vocabulary:
        """This vocabulary with a definition's own codes and terms added."""
        shipped = tuple(c for c in self if c not in own)
        return Vocabulary(self.kind, shipped, own, {**self.terms, **terms})


GENDERS = Vocabulary("gender", ("M", "F"))
EMPLOYER_TYPES = Vocabulary(
    "employer_type", ("enterprise", "government", "public_institution", "village", "social_org")
)
# "public" is for government bodies and public institutions.
OWNERSHIPS = Vocabulary("ownership", ("state", "non_public", "public"))
CATEGORIES = Vocabulary(
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
OFFICIAL_LEVELS = Vocabulary("official_level", ("none", "section", "county", "bureau"))
# 行业领域 and 岗位类型: none shipped; a definition names its own (e.g. 科教文卫, 急难险重岗位).
SECTORS = Vocabulary("sector", ())
POSTS = Vocabulary("post", ())
HONOUR_LEVEL_LABELS = Vocabulary("honour_level", ("unit", "municipal", "provincial", "national"))

# The nominee fields with a vocabulary, and whether a blank value ("" — not given) is allowed.
OPTIONAL_KINDS = frozenset({"sector", "post"})
SHIPPED_KINDS: dict[str, Vocabulary] = {
    v.kind: v for v in (GENDERS, EMPLOYER_TYPES, OWNERSHIPS, CATEGORIES, OFFICIAL_LEVELS)
} | {v.kind: v for v in (SECTORS, POSTS)}


class Vocabularies(Mapping[str, Vocabulary]):
    """Every nominee vocabulary of one definition: the shipped ones with its own codes."""

    def __init__(self, kinds: Mapping[str, Vocabulary]) -> None:
        self._kinds = {**SHIPPED_KINDS, **kinds}

    def __getitem__(self, kind: str) -> Vocabulary:
        return self._kinds[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other


SHIPPED = Vocabularies({})
_ACTIVE: ContextVar[Vocabularies] = ContextVar("vocabularies", default=SHIPPED)


def active() -> Vocabularies:
    """The vocabularies values are checked against now: a definition's while it is read."""
    return _ACTIVE.get()


@contextmanager
def using(vocabularies: Vocabularies) -> Iterator[None]:
    """Check codes against `vocabularies` inside the block (rules read while a definition is)."""
    token = _ACTIVE.set(vocabularies)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def parse_term(vocab: Vocabulary, text: str) -> dict[str, str]:
    """Field -> code for a code, a label (Chinese, or English) or a term of the vocabulary.

    A plain code or label gives its own field only; a term may give other fields too.
    ValueError carries a catalogue Message that lists the accepted values.
    """
    wanted = text.strip()
    if wanted in vocab.terms:
        return dict(vocab.terms[wanted])
    folded = wanted.casefold()
    for code, label in vocab.items():
        # Codes and English labels are matched case-insensitively; Chinese labels exactly.
        english = catalogue.text(f"vocab.{vocab.kind}.{code}", "en").casefold()
        if folded in (code.casefold(), english) or wanted == label:
            return {vocab.kind: code}
    choices = (*(catalogue.Label(f"vocab.{vocab.kind}", c) for c in vocab), *vocab.terms)
    raise ValueError(
        catalogue.msg(
            "import.not_a_code", value=excerpt(wanted), choices=catalogue.Listing(choices, "or")
        )
    )


def parse_code(vocab: Vocabulary, text: str) -> str:
    """Return the code for a code, a label or a term of the vocabulary's own field."""
    return parse_term(vocab, text)[vocab.kind]


def unknown_code(vocabularies: Vocabularies, codes: Mapping[str, str]) -> tuple[str, Any] | None:
    """The first field whose code its vocabulary does not know, with what it should be.

    `codes` maps fields to the codes given (the nominee's facts); an optional kind (sector,
    post) may be blank.
    """
    for kind, vocab in vocabularies.items():
        value = codes.get(kind)
        if value is None or (value == "" and kind in OPTIONAL_KINDS) or value in vocab:
            continue
        allowed = catalogue.Listing(tuple(catalogue.Label(f"vocab.{kind}", c) for c in vocab), "or")
        return kind, catalogue.msg("error.invalid.not_in_vocabulary", allowed=allowed)
    return None
