"""The Mermaid diagram (`workflow show --mermaid`, the API's diagram) speaks its reader's
language: node ids stay ASCII codes, while state names, edge labels and the withdraw note
are the catalogue's words."""

from __future__ import annotations

import re

import pytest

from config import catalogue
from tests.conftest import JIANGXI
from tests.conftest import MAYDAY as MAYDAY_FILE
from workflow.definition_loading import load_definition_file
from workflow.diagram_dot import quoted, workflow_dot
from workflow.machine import NominationMachine

MACHINE = NominationMachine(load_definition_file(JIANGXI)[0])
# What Mermaid reads as syntax: keywords, arrows, ids and the highlight's style.
SYNTAX = re.compile(r"^\s*(stateDiagram-v2|classDef .*|class \w+ current)$")


def _words(diagram: str) -> list[str]:
    """What a reader sees: declared names, edge labels and notes (ids and syntax removed)."""
    shown = []
    for line in diagram.splitlines():
        if SYNTAX.match(line):
            continue
        name = re.fullmatch(r'\s*state "(.*)" as (\w+)', line)
        if name:
            shown.append(name.group(1))
        elif ": " in line:
            shown.append(line.split(": ", 1)[1])
    return shown


def test_the_chinese_diagram_shows_no_latin_word_and_keeps_ascii_ids() -> None:
    diagram = MACHINE.mermaid(current="public_notice")
    shown = _words(diagram)
    assert shown and all(not re.search(r"[A-Za-z]", words) for words in shown), shown
    assert '    state "资格初审" as qualification' in diagram
    assert "    qualification --> joint_review: 通过（条件：符合资格条件）" in diagram
    assert "    public_notice --> committee: 公示结束（条件：公示期满、无未结异议）" in diagram
    assert "    note right of withdrawn: 任一未结束状态均可撤回" in diagram
    assert "    class public_notice current" in diagram.splitlines()
    ids = re.findall(r"^\s*(\w+) --> (\w+)", diagram, flags=re.MULTILINE)
    assert ids and all(a.isascii() and b.isascii() for a, b in ids)


def test_the_english_diagram_uses_the_english_labels() -> None:
    diagram = MACHINE.mermaid(locale="en")
    assert '    state "qualification check" as qualification' in diagram
    assert "    qualification --> joint_review: pass [eligibility rules]" in diagram
    assert (
        "    draft --> submitted: submit [submission open, quota, unit rules, eligibility rules]"
    ) in diagram
    assert "    note right of withdrawn: withdraw is allowed from every open state" in diagram
    assert not re.search(r"[\u4e00-\u9fff]", diagram)


@pytest.mark.parametrize("locale", catalogue.LOCALES)
def test_every_edge_of_the_diagram_is_labelled_from_the_catalogue(locale: str) -> None:
    diagram = MACHINE.mermaid(locale=locale)
    for spec in MACHINE.specs:
        if spec.trigger == "withdraw" and spec.source != "draft":
            continue
        shown = catalogue.label("trigger", spec.trigger, locale)
        assert f"    {spec.source} --> {spec.dest}: {shown}" in diagram


# The Graphviz drawing (`workflow.diagram_dot`): the same words, and the departments drawn.
MAYDAY = NominationMachine(load_definition_file(MAYDAY_FILE)[0])


def _labels(dot: str) -> list[str]:
    return re.findall(r'label="((?:[^"\\]|\\.)*)"', dot)


@pytest.mark.parametrize("locale", catalogue.LOCALES)
def test_the_dot_diagram_names_states_and_edges_from_the_catalogue(locale: str) -> None:
    dot = workflow_dot(MACHINE, locale=locale)
    labels = _labels(dot)
    for state in MACHINE.states:
        assert f'"s_{state}" [label="{catalogue.state_label(state, locale)}"' in dot
    for spec in MACHINE.specs:
        if spec.trigger != "withdraw":
            assert catalogue.label("trigger", spec.trigger, locale) in labels
    assert catalogue.text("event.diagram_withdraw_note", locale) in labels
    assert dot.count('"s_draft" -> "s_withdrawn"') == 1
    assert '"s_qualification" -> "s_withdrawn"' not in dot  # one withdraw edge stands for all


def test_the_chinese_dot_diagram_shows_no_latin_word() -> None:
    for labels in (_labels(workflow_dot(m, "joint_review")) for m in (MACHINE, MAYDAY)):
        assert labels and not [w for w in labels if re.search(r"[A-Za-z]", w)], labels


def test_joint_review_is_a_cluster_of_its_department_groups() -> None:
    dot = workflow_dot(MACHINE)
    stage = MACHINE.definition.stage("joint_review")
    assert 'subgraph "cluster_joint_review" {' in dot
    assert 'label="各部门并行审查，一票否决"' in dot
    for index, route in enumerate(stage.routing):
        group = dot.split(f'subgraph "cluster_joint_review_{index}" {{', 1)[1].split("}", 1)[0]
        for department in route.departments:
            name = MACHINE.definition.departments[department].name
            assert f'"d_joint_review_{index}_{department}" [label="{name}"' in group
    assert 'label="所有被推荐人"' in dot
    assert 'label="人员类别：企业负责人；所有制：国有"' in dot
    # The stage's outcomes leave the group's join, after every department answered.
    assert '"j_joint_review" -> "s_inspection" [label="同意"' in dot
    assert '"j_joint_review" -> "s_vetoed" [label="否决"' in dot


def test_the_current_state_is_marked_and_only_it() -> None:
    dot = workflow_dot(MACHINE, current="public_notice")
    marked = [line for line in dot.splitlines() if 'fillcolor="#fde68a"' in line]
    assert len(marked) == 1 and marked[0].lstrip().startswith('"s_public_notice"')
    assert 'fillcolor="#fde68a"' not in workflow_dot(MACHINE)


def test_the_page_names_states_its_own_way() -> None:
    dot = workflow_dot(MACHINE, names=lambda state: f"〔{state}〕")
    assert '"s_qualification" [label="〔qualification〕"' in dot


@pytest.mark.parametrize(
    ("words", "written"),
    [
        ('say "hi"', '"say \\"hi\\""'),
        ("a\\nb", '"a\\\\nb"'),
        ("two\nlines", '"two lines"'),
        ("R&amp;D", '"R&amp;amp;D"'),
    ],
)
def test_dot_strings_are_quoted_so_a_name_cannot_break_out(words: str, written: str) -> None:
    assert quoted(words) == written
