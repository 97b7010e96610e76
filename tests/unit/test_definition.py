"""The workflow definition format: the shipped files load, and their checksum."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.unit.definition_edits import (
    JIANGXI,
    MAYDAY,
    load_changed,
    shipped,
)
from workflow.definition import StageKind
from workflow.definition_loading import checksum, load_definition_file, load_definition_text
from workflow.errors import DefinitionError

# --- the shipped files --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "stage_ids"),
    [
        (
            JIANGXI,
            "jiangxi-labour-model",
            ["qualification", "joint_review", "inspection", "public_notice", "committee"],
        ),
        (MAYDAY, "mayday-medal", ["qualification", "joint_review", "public_notice", "committee"]),
    ],
)
def test_shipped_definition_loads(path: Path, name: str, stage_ids: list[str]) -> None:
    definition, raw = load_definition_file(path)
    assert definition.name == name
    assert [s.id for s in definition.stages] == stage_ids
    assert definition.stages[-1].kind is StageKind.COMMITTEE_DECISION
    assert raw == shipped(path)
    for rule in definition.submission.rules:
        assert rule in definition.eligibility
    joint = definition.stage("joint_review")
    assert joint.routing and all(
        dep in definition.departments for route in joint.routing for dep in route.departments
    )


def test_unchanged_round_trip_loads() -> None:
    assert load_changed(lambda raw: None).name == "jiangxi-labour-model"


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    with pytest.raises(DefinitionError, match=r"nowhere\.yaml: 无法读取该文件"):
        load_definition_file(missing)


# --- checksum -------------------------------------------------------------------------------


def _reordered(value: Any) -> Any:
    """The same content with every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


@pytest.mark.parametrize("path", [JIANGXI, MAYDAY])
def test_checksum_ignores_key_order_and_layout(path: Path) -> None:
    raw = shipped(path)
    flipped = _reordered(raw)
    assert list(flipped) != list(raw)
    assert checksum(flipped) == checksum(raw)
    text = yaml.safe_dump(flipped, allow_unicode=True, sort_keys=False, default_flow_style=True)
    _, reloaded = load_definition_text(text, "flow.yaml")
    assert checksum(reloaded) == checksum(raw)
    assert len(checksum(raw)) == 64


def test_checksum_changes_with_content() -> None:
    raw = shipped()
    changed = copy.deepcopy(raw)
    changed["stages"][3]["duration_days"] = 7
    assert checksum(changed) != checksum(raw)
    # List order is content: swapping two stages is a different procedure.
    swapped = copy.deepcopy(raw)
    swapped["stages"][2], swapped["stages"][3] = swapped["stages"][3], swapped["stages"][2]
    assert checksum(swapped) != checksum(raw)
    assert checksum(shipped(JIANGXI)) != checksum(shipped(MAYDAY))
