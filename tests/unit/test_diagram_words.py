"""The Mermaid diagram (`workflow show --mermaid`, the API's diagram) speaks its reader's
language: node ids stay ASCII codes, while state names, edge labels and the withdraw note
are the catalogue's words."""

from __future__ import annotations

import re

import pytest

from config import catalogue
from tests.conftest import JIANGXI
from workflow.definition_loading import load_definition_file
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
