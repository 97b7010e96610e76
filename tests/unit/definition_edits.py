"""Edits of a shipped definition that tests apply, and the error cases they must produce."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from workflow.definition import Definition
from workflow.definition_loading import load_definition_text
from workflow.errors import DefinitionError

WORKFLOWS = Path(__file__).resolve().parents[2] / "config" / "workflows"
JIANGXI = WORKFLOWS / "jiangxi-labour-model.yaml"
MAYDAY = WORKFLOWS / "mayday-medal.yaml"
SOURCE = "edited/jiangxi.yaml"

Raw = dict[str, Any]


def shipped(path: Path = JIANGXI) -> Raw:
    """The shipped definition as a plain mapping, ready to be changed."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


def load_changed(change: Callable[[Raw], object], path: Path = JIANGXI) -> Definition:
    """Load the shipped file after applying `change` to its mapping, through YAML text."""
    raw = copy.deepcopy(shipped(path))
    change(raw)
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    definition, _ = load_definition_text(text, SOURCE)
    return definition


def error_of(change: Callable[[Raw], object], locale: str = "en") -> str:
    with pytest.raises(DefinitionError) as caught:
        load_changed(change)
    return caught.value.text(locale)


def stage_index(raw: Raw, stage_id: str) -> int:
    return next(i for i, s in enumerate(raw["stages"]) if s["id"] == stage_id)


def _set(path: str, value: object) -> Callable[[Raw], None]:
    """A change that sets a dotted key path (list indexes as numbers) to a value."""

    def change(raw: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return change


def _delete(path: str) -> Callable[[Raw], None]:
    def change(raw: Raw) -> None:
        *parents, last = path.split(".")
        node: Any = raw
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return change


def _repeat_stage_id(raw: Raw) -> None:
    raw["stages"][2]["id"] = "qualification"


def _route_to_unknown_department(raw: Raw) -> None:
    raw["stages"][1]["routing"][1]["departments"].append("navy")


def _route_on_unknown_field(raw: Raw) -> None:
    raw["stages"][1]["routing"][2]["when"]["shoe_size"] = 42


def _unconfigured_stage_rule(raw: Raw) -> None:
    raw["stages"][0]["rules"].append("bravery")


def _unconfigured_submission_rule(raw: Raw) -> None:
    raw["submission"]["rules"].append("bravery")


def _drop_configured_rule(raw: Raw) -> None:
    del raw["eligibility"]["retired"]


def _last_stage_not_committee(raw: Raw) -> None:
    raw["stages"].pop()


def _committee_not_last(raw: Raw) -> None:
    raw["stages"].insert(3, raw["stages"].pop())


def _composition_share_above_one(raw: Raw) -> None:
    raw["composition"][0]["min_share"] = 1.5


def _composition_unknown_kind(raw: Raw) -> None:
    raw["composition"][2]["kind"] = "ratio"


def _composition_repeated_id(raw: Raw) -> None:
    raw["composition"][1]["id"] = raw["composition"][0]["id"]


# (case id, change, key path the message must name, problem text it must contain)
ERROR_CASES: list[tuple[str, Callable[[Raw], object], str, str]] = [
    ("unknown-top-level-key", _set("colour", "red"), "colour", "unknown key"),
    ("unknown-stage-key", _set("stages.1.colour", "red"), "stages.1.colour", "unknown key"),
    (
        "unknown-department-key",
        _set("departments.tax.phone", "12366"),
        "departments.tax.phone",
        "unknown key",
    ),
    (
        "unknown-submission-key",
        _set("submission.deadline", "2026-05-01"),
        "submission.deadline",
        "unknown key",
    ),
    (
        "unknown-completion-key",
        _set("stages.1.completion.majority", True),
        "stages.1.completion.majority",
        "unknown key",
    ),
    (
        "wrong-type-int",
        _set("stages.0.duration_days", "ten"),
        "stages.0.duration_days",
        "valid integer",
    ),
    ("wrong-type-mapping", _set("departments", ["tax", "police"]), "departments", "dictionary"),
    ("wrong-type-list", _set("stages.0.rules", "retired"), "stages.0.rules", "valid list"),
    ("wrong-kind", _set("stages.2.kind", "interview"), "stages.2.kind", "Input should be"),
    ("negative-days", _set("stages.0.return_days", 0), "stages.0.return_days", "greater than"),
    ("missing-top-level", _delete("honour"), "honour", "Field required"),
    ("missing-stage-key", _delete("stages.2.kind"), "stages.2.kind", "Field required"),
    (
        "missing-department-name",
        _delete("departments.tax.name"),
        "departments.tax.name",
        "required",
    ),
    ("bad-name", _set("name", "Jiangxi Labour"), "name", "should match pattern"),
    ("bad-level", _set("honour_level", "galactic"), "honour_level", "must be one of"),
    ("repeated-stage-id", _repeat_stage_id, "stages.2.id", "'qualification' is repeated"),
    (
        "unknown-department",
        _route_to_unknown_department,
        "stages.1.routing.1.departments",
        "unknown departments navy",
    ),
    (
        "unknown-routing-field",
        _route_on_unknown_field,
        "stages.1.routing.2.when",
        "unknown fields shoe_size",
    ),
    (
        "rule-not-configured",
        _unconfigured_stage_rule,
        "stages.0.rules",
        "not configured under 'eligibility': bravery",
    ),
    (
        "submission-rule-not-configured",
        _unconfigured_submission_rule,
        "submission.rules",
        "not configured under 'eligibility': bravery",
    ),
    (
        "configured-rule-removed",
        _drop_configured_rule,
        "stages.0.rules",
        "not configured under 'eligibility': retired",
    ),
    (
        "eligibility-param-out-of-range",
        _set("eligibility.prior_honour", {"window_years": -1}),
        "eligibility.prior_honour.window_years",
        "greater than or equal to 0",
    ),
    (
        "eligibility-param-unknown",
        _set("eligibility.prior_honour", {"windw_years": 3}),
        "eligibility.prior_honour.windw_years",
        "unknown key",
    ),
    (
        "eligibility-param-bad-code",
        _set("eligibility.enterprise_head_checks", {"categories": ["ceo"]}),
        "eligibility.enterprise_head_checks.categories.0",
        "unknown category 'ceo'",
    ),
    (
        "eligibility-unknown-rule",
        _set("eligibility.bravery", {}),
        "eligibility.bravery",
        "unknown eligibility rule 'bravery'",
    ),
    (
        "composition-share-above-one",
        _composition_share_above_one,
        "composition.0.",
        "less than or equal to 1",
    ),
    ("composition-unknown-kind", _composition_unknown_kind, "composition.2", "'ratio'"),
    (
        "composition-repeated-id",
        _composition_repeated_id,
        "composition",
        "'enterprise_min' is used more than once",
    ),
    (
        "last-stage-not-committee",
        _last_stage_not_committee,
        "stages.3.kind",
        "last stage must be of kind committee decision",
    ),
    (
        "committee-not-last",
        _committee_not_last,
        "stages.4.kind",
        "last stage must be of kind committee decision",
    ),
    (
        "joint-review-without-routing",
        _delete("stages.1.routing"),
        "stages.1",
        "joint review stage needs 'routing'",
    ),
    (
        "notice-without-duration",
        _delete("stages.3.duration_days"),
        "stages.3",
        "public notice stage needs 'duration_days'",
    ),
    (
        "reminder-too-late",
        _set("stages.0.reminders", [10]),
        "stages.0",
        "reminder offset must be shorter",
    ),
    (
        "quorum-without-n",
        _set("stages.1.completion", {"rule": "quorum"}),
        "stages.1.completion",
        "quorum",
    ),
]
