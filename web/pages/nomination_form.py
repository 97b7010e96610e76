"""The page form of one nomination: its fields are the import's columns, its checks the API's.

A form post is turned into the one input model (`workflow.nomination_input.NominationFields`),
so the page refuses what the API refuses, with each problem shown at its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from config.catalogue import label, render
from models import Campaign
from web.errors import problem_message
from workflow import form_cells, vocabulary
from workflow.errors import HonorflowError, InvalidInput
from workflow.importing import COLUMNS, Column, columns_for
from workflow.nomination_input import NominationFields
from workflow.versions import definition_of

# Fields the form lays out itself: the unit (fixed for a clerk) and the rank (two inputs).
_OWN_LAYOUT = ("recommending_unit", "rank")
# The model's names where the form's (the import's) differ.
_MODEL_NAMES = {"honor": "honour", "prior_honors": "prior_honours"}
_FORM_NAMES = {"honour": "honor", "prior_honours": "prior_honors", "alternate_order": "rank"}
_TOP = ("honor", "summary", "deeds")


@dataclass(frozen=True)
class FormField:
    """One input of the form: the import column, its options (code, label), value, error."""

    column: Column
    options: tuple[tuple[str, str], ...]
    value: Any
    error: str | None


def fields(
    values: dict[str, Any], errors: dict[str, str], lang: str, campaign: Campaign
) -> list[FormField]:
    """The inputs in the import's column order, filled with values and their errors; coded
    inputs offer the campaign's own codes (行业领域, 岗位类型, …)."""
    columns = columns_for(definition_of(campaign.definition).vocabularies)
    return [
        FormField(c, _options(c, lang), values.get(c.field, ""), errors.get(c.field))
        for c in columns
        if c.field not in _OWN_LAYOUT
    ]


def _options(column: Column, lang: str) -> tuple[tuple[str, str], ...]:
    if column.vocab is None:
        return ()
    kind = column.vocab.kind
    return tuple((code, label(f"vocab.{kind}", code, lang)) for code in column.vocab)


def posted_values(form: FormData) -> dict[str, Any]:
    """The form as posted: text stripped, checkboxes as booleans."""
    values: dict[str, Any] = {}
    for column in COLUMNS:
        if column.kind == "bool":
            values[column.field] = form.get(column.field) == "1"
        else:
            values[column.field] = str(form.get(column.field) or "").strip()
    values["alternate_order"] = str(form.get("alternate_order") or "").strip()
    return values


def validate(values: dict[str, Any], lang: str) -> tuple[NominationFields | None, dict[str, str]]:
    """The input model from the form, or the problems by form field in the page's language."""
    errors: dict[str, str] = {}
    data = _model_data(values, errors, lang)
    try:
        model = NominationFields.model_validate(data)
    except ValidationError as invalid:
        for problem in invalid.errors():
            field = _form_field(problem.get("loc", ()))
            words = render(problem_message({**problem, "loc": ()}), lang)
            errors.setdefault(field, words)
        return None, errors
    return (model, errors) if not errors else (None, errors)


def field_errors(refused: HonorflowError, lang: str) -> dict[str, str]:
    """A service's refusal of one value (a birth date the campaign finds implausible) at its
    form field; other refusals are shown above the form."""
    if not isinstance(refused, InvalidInput) or not refused.field.startswith("nominee."):
        return {}
    field = refused.field.removeprefix("nominee.")
    return {_FORM_NAMES.get(field, field): refused.text(lang)}


def _model_data(values: dict[str, Any], errors: dict[str, str], lang: str) -> dict[str, Any]:
    nominee: dict[str, Any] = {}
    top: dict[str, Any] = {
        "rank": values.get("rank") or "main",
        "alternate_order": values.get("alternate_order") or None,
    }
    for column in COLUMNS:
        if column.field in _OWN_LAYOUT:
            continue
        value = values.get(column.field)
        target = top if column.field in _TOP else nominee
        name = _MODEL_NAMES.get(column.field, column.field)
        if column.kind == "prior":
            try:
                honours = form_cells.prior(value)
            except ValueError as bad:
                errors[column.field] = render(bad.args[0], lang)
                continue
            value = [{"title": h.title, "level": h.level, "year": h.year} for h in honours]
        elif column.kind == "grade":
            value = str(value).upper().removesuffix("级")
        elif column.field == "nationality":
            value = form_cells.nationality(value)  # blank or 中国: CN, as the import reads it
        if value == "" and column.field != "ethnicity":  # a blank ethnicity is refused
            continue  # blank: the model's default, or its "missing" where one is needed
        target[name] = value
    top["nominee"] = nominee
    return top


def _form_field(loc: tuple[Any, ...]) -> str:
    names = [str(part) for part in loc if not isinstance(part, int)]
    if not names:
        return "rank"  # the model's own check: rank and alternate order
    last = names[1] if names[0] == "nominee" and len(names) > 1 else names[0]
    return _FORM_NAMES.get(last, last)


def values_of(nomination: Any, facts: dict[str, Any]) -> dict[str, Any]:
    """A nomination's record as form values (the prior honours written as the import reads)."""
    values: dict[str, Any] = {c.field: facts.get(c.field) for c in COLUMNS}
    values.update(
        honor=nomination.honour,
        summary=nomination.summary,
        deeds=nomination.deeds,
        rank=nomination.rank,
        alternate_order=nomination.alternate_order or "",
        prior_honors="; ".join(
            f"{h['year']}|{vocabulary.HONOUR_LEVEL_LABELS[h['level']]}|{h['title']}"
            for h in facts.get("prior_honours") or []
        ),
    )
    if values.get("nationality") == "CN":
        values["nationality"] = ""  # shown blank: the form reads blank as China
    return {k: ("" if v is None else v) for k, v in values.items()}


def blank_values(honour: str) -> dict[str, Any]:
    """A new nominee's form: the defaults the import would take for blank cells."""
    values: dict[str, Any] = {c.field: (False if c.kind == "bool" else "") for c in COLUMNS}
    values.update(
        ethnicity="汉族", official_level="none", honor=honour, rank="main", alternate_order=""
    )
    return values
