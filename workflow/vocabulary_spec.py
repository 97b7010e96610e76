"""A definition's `vocabulary:` and `implies:` sections: its own codes, its forms' terms, and
the flags a code implies — validated, with every problem at its key path.

    vocabulary:
      post:                                  # a kind: gender, employer_type, ownership,
        codes: {emergency: 急难险重岗位}       #   category, official_level, sector, post
      employer_type:
        terms:
          国有企业: {employer_type: enterprise, ownership: state}
          机关: government
    implies:
      - {when: {category: gig_worker}, set: {gig_worker: true}}
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from config.catalogue import Label, Listing, Message, msg
from workflow import vocabulary
from workflow.bounded_yaml import excerpt
from workflow.definition_problems import describe_error
from workflow.facts import NomineeFacts
from workflow.problems import KeyProblem, Problem
from workflow.rules.composition_groups import GroupSelector
from workflow.vocabulary import Vocabularies

CODE = r"^[a-z][a-z0-9_]*$"
Words = str  # a label or a term as a form writes it (bounded below)


class VocabularySpec(BaseModel):
    """One kind's own codes (code: label) and terms (term: code, or field: code for several)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    codes: dict[str, Words] = Field(default_factory=dict, max_length=200)
    terms: dict[str, str | dict[str, str]] = Field(default_factory=dict, max_length=500)


_SECTION: TypeAdapter[dict[str, VocabularySpec]] = TypeAdapter(dict[str, VocabularySpec])


def own_vocabularies(section: Any) -> Vocabularies:
    """The shipped vocabularies with a definition's own codes and terms; KeyProblem if bad."""
    if section is None:
        return vocabulary.SHIPPED
    try:
        specs = _SECTION.validate_python(section)
    except ValidationError as exc:
        raise KeyProblem(
            [
                (".".join(["vocabulary", *(str(p) for p in e["loc"])]), describe_error(e))
                for e in exc.errors()
            ]
        ) from None
    problems: list[tuple[str, Message]] = []
    kinds = vocabulary.SHIPPED_KINDS
    for kind in specs:
        if kind not in kinds:
            known = _kinds_named(kinds)
            problems.append((f"vocabulary.{kind}", msg("vocabulary.unknown_kind", known=known)))
    problems += [
        p for kind, spec in specs.items() if kind in kinds for p in _code_problems(kind, spec)
    ]
    if problems:
        raise KeyProblem(problems)
    with_codes = {kind: kinds[kind].extended(spec.codes, {}) for kind, spec in specs.items()}
    everything = {**kinds, **with_codes}
    terms: dict[str, dict[str, dict[str, str]]] = {}
    for kind, spec in specs.items():
        for term, target in spec.terms.items():
            where = f"vocabulary.{kind}.terms.{excerpt(term)}"  # a term is quoted short
            mapping = {kind: target} if isinstance(target, str) else dict(target)
            problem = _term_problem(kind, term, mapping, everything)
            if problem is not None:
                problems.append((where, problem))
            terms.setdefault(kind, {})[term] = mapping
    if problems:
        raise KeyProblem(problems)
    return Vocabularies(
        {
            kind: kinds[kind].extended(spec.codes, terms.get(kind, {}))
            for kind, spec in specs.items()
        }
    )


def _kinds_named(kinds: Mapping[str, object]) -> Listing:
    """The kinds as keys with their labels: gender（性别）或 …"""
    named = (msg("vocabulary.kind_named", key=k, label=Label("field", k)) for k in kinds)
    return Listing(tuple(named), "or")


def _code_problems(kind: str, spec: VocabularySpec) -> list[tuple[str, Message]]:
    shipped = vocabulary.SHIPPED_KINDS[kind]
    found: list[tuple[str, Message]] = []
    for code, words in spec.codes.items():
        where = f"vocabulary.{kind}.codes.{excerpt(code)}"
        if not re.fullmatch(CODE, code) or len(code) > 40:
            found.append((where, msg("vocabulary.bad_code")))
        elif code in shipped:
            label = Label(f"vocab.{kind}", code)
            found.append((where, msg("vocabulary.code_shipped", label=label)))
        elif not words.strip() or len(words) > 40:
            found.append((where, msg("vocabulary.bad_label")))
    return found


def _term_problem(
    kind: str, term: str, mapping: Mapping[str, str], kinds: Mapping[str, vocabulary.Vocabulary]
) -> Message | None:
    if not term.strip() or len(term) > 40:
        return msg("vocabulary.bad_label")
    if kind not in mapping:
        return msg("vocabulary.term_needs_own", field=Label("field", kind))
    for field, code in mapping.items():
        if field not in kinds:
            return msg("vocabulary.unknown_kind", known=_kinds_named(kinds))
        if code not in kinds[field]:
            choices = Listing(tuple(Label(f"vocab.{field}", c) for c in kinds[field]), "or")
            return msg("vocabulary.term_unknown_code", value=code, choices=choices)
    own = kinds[kind]
    clash = next((c for c, words in own.items() if words == term and c != mapping[kind]), None)
    if clash is not None:
        return msg("vocabulary.term_is_label", label=Label(f"vocab.{kind}", clash))
    return None


class Implication(BaseModel):
    """Nominees matching `when` count as having `set` (a gig-worker category is a gig worker)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: GroupSelector
    set: GroupSelector

    @field_validator("set", mode="before")
    @classmethod
    def _one_value_each(cls, raw: Any) -> Any:
        # One value per field; a one-value list is the stored (normal) form of the same.
        if isinstance(raw, Mapping) and (
            not raw
            or any(
                isinstance(v, dict) or (isinstance(v, list) and len(v) != 1) for v in raw.values()
            )
        ):
            raise Problem(msg("vocabulary.implies_one_value"))
        return raw

    def apply(self, facts: NomineeFacts) -> NomineeFacts:
        """The facts with the implied values, when the nominee matches."""
        if not self.when.matches(facts):
            return facts
        values = {field: values[0] for field, values in self.set.root.items()}
        return dataclasses.replace(facts, **values)

    def describe(self) -> Message:
        """The rule in words: 人员类别为新就业形态劳动者的，视为是否新就业形态为是."""
        return msg("vocabulary.implies", when=self.when.describe(), then=self.set.describe())


def implied(
    rules: tuple[Implication, ...] | list[Implication], facts: NomineeFacts
) -> NomineeFacts:
    """The facts with every implication applied, in the order the definition lists them."""
    for rule in rules:
        facts = rule.apply(facts)
    return facts
