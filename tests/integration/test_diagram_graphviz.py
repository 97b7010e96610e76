"""The workflow diagram drawn by Debian's Graphviz: no overlapping labels, cached, bounded.

Text boxes are estimated from the SVG's own positions and font sizes (a Chinese character
is as wide as the font is high, other characters about 0.55 of it), since the SVG does not
carry the widths Graphviz measured.
"""

from __future__ import annotations

import itertools
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from config import catalogue
from config.settings import Settings
from tests.conftest import JIANGXI, MAYDAY
from web import graphviz
from web.diagram import forget_drawings, workflow_diagram
from workflow.definition_loading import load_definition_file, load_definition_text
from workflow.diagram_dot import workflow_dot
from workflow.machine import NominationMachine

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz is not installed")
NS = "{http://www.w3.org/2000/svg}"
MACHINES = {p.stem: NominationMachine(load_definition_file(p)[0]) for p in (JIANGXI, MAYDAY)}
Box = tuple[float, float, float, float]


def text_width(words: str, size: float) -> float:
    """Estimated width of a text: full width for CJK and full-width marks, 0.55 em otherwise."""
    return sum(size if ord(c) >= 0x2E80 else 0.55 * size for c in words)


def text_box(node: ET.Element) -> Box:
    """(left, top, right, bottom) of an SVG <text>, from its anchor, baseline and size."""
    size = float(node.get("font-size", "14"))
    x, y, width = float(node.get("x", "0")), float(node.get("y", "0")), 0.0
    width = text_width(node.text or "", size)
    anchor = node.get("text-anchor", "start")
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return left, y - 0.88 * size, left + width, y + 0.12 * size


def overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def boxes(svg: str, kind: str) -> list[tuple[str, Box]]:
    """The text boxes inside the SVG's groups of a class (`edge`, `node`)."""
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{NS}g"):
        if group.get("class") == kind:
            found += [(t.text or "", text_box(t)) for t in group.iter(f"{NS}text")]
    return found


def draw(machine: NominationMachine, current: str | None, locale: str) -> str:
    svg = graphviz.run_dot(workflow_dot(machine, current, locale), "dot", 20)
    assert svg is not None
    return svg


@pytest.mark.parametrize("name", sorted(MACHINES))
@pytest.mark.parametrize("locale", catalogue.LOCALES)
def test_no_two_edge_labels_overlap_nor_cover_a_state(name: str, locale: str) -> None:
    svg = draw(MACHINES[name], "joint_review", locale)
    edges, nodes = boxes(svg, "edge"), boxes(svg, "node")
    assert len(edges) >= 10 and len(nodes) >= 12
    for (a, box_a), (b, box_b) in itertools.combinations(edges, 2):
        assert not overlap(box_a, box_b), f"{a!r} and {b!r} overlap: {box_a} {box_b}"
    for (a, box_a), (b, box_b) in itertools.product(edges, nodes):
        assert not overlap(box_a, box_b), f"edge label {a!r} covers state {b!r}"


def test_the_overlap_check_sees_labels_drawn_over_each_other() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><g class="edge">'
        '<text x="100" y="50" text-anchor="middle" font-size="11">否决</text></g>'
        '<g class="edge"><text x="108" y="53" font-size="11">不符</text></g></svg>'
    )
    (_, a), (_, b) = boxes(svg, "edge")
    assert overlap(a, b)
    assert not overlap(
        a, text_box(ET.fromstring('<text x="100" y="80" font-size="11">不符</text>'))
    )


def test_the_drawing_shows_departments_and_marks_the_current_state() -> None:
    machine = MACHINES["jiangxi-labour-model"]
    svg = draw(machine, "joint_review", "zh-CN")
    shown = {text for text, _ in boxes(svg, "node")}
    for department in ("纪检监察", "公安", "市场监管", "税务", "审计", "组织部门"):
        assert department in shown
    assert {"否决", "资格不符", "不通过"} <= shown | {t for t, _ in boxes(svg, "edge")}
    current = ET.fromstring(svg).find(f".//{NS}g[@id='state-joint_review']")
    assert current is not None and current.find(f"{NS}path").get("fill") == "#fde68a"


def test_a_page_drawing_is_inline_svg_with_one_title_and_no_codes() -> None:
    forget_drawings()
    machine = MACHINES["jiangxi-labour-model"]
    diagram = workflow_diagram(machine, "v1", "inspection", "zh-CN", Settings(), lambda s: s)
    assert diagram.svg is not None
    root = ET.fromstring(str(diagram.svg))
    width = float(root.get("viewBox", "").split()[2])
    assert root.get("width") == f"{width:.0f}"  # a unit of the drawing is a pixel
    assert [t.text for t in root.iter(f"{NS}title")] == [machine.definition.title]
    assert root.get("class") == "workflow-diagram" and root.get("role") == "img"


def _counting_dot(folder: Path, body: str = 'exec dot "$@"') -> Path:
    """A stand-in `dot` that notes each run in a file, then does what `body` says."""
    script = folder / "dot"
    script.write_text(f'#!/bin/sh\necho run >> "{folder}/runs"\n{body}\n', encoding="utf-8")
    script.chmod(0o755)
    return script


def test_a_drawing_is_cached_per_version_state_and_language(tmp_path: Path) -> None:
    forget_drawings()
    settings = Settings(dot_path=str(_counting_dot(tmp_path)))
    machine = MACHINES["mayday-medal"]

    def runs() -> int:
        return len((tmp_path / "runs").read_text().splitlines())

    for _ in range(3):
        assert workflow_diagram(machine, "m@1", "draft", "zh-CN", settings, str).svg is not None
    assert runs() == 1
    workflow_diagram(machine, "m@1", "submitted", "zh-CN", settings, str)
    workflow_diagram(machine, "m@1", "draft", "en", settings, str)
    workflow_diagram(machine, "m@2", "draft", "zh-CN", settings, str)
    assert runs() == 4
    workflow_diagram(machine, None, "draft", "zh-CN", settings, str)  # a file being validated
    workflow_diagram(machine, None, "draft", "zh-CN", settings, str)
    assert runs() == 6


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("sleep 5", "too slow"),
        ("exit 3", "failed"),
        ("head -c 3000000 /dev/zero", "too large"),
        ("echo '<svg'", "not svg"),
    ],
)
def test_a_dot_that_misbehaves_gives_the_fallback(tmp_path: Path, body: str, why: str) -> None:
    forget_drawings()
    settings = Settings(dot_path=str(_counting_dot(tmp_path, body)), dot_timeout=1)
    machine = MACHINES["mayday-medal"]
    diagram = workflow_diagram(machine, why, "draft", "zh-CN", settings, lambda s: f"〔{s}〕")
    assert diagram.svg is None, why
    assert diagram.states[0] == ("draft", "〔draft〕")
    assert [code for code, _ in diagram.states] == machine.states


def test_a_missing_dot_gives_the_fallback(tmp_path: Path) -> None:
    settings = Settings(dot_path=str(tmp_path / "no-such-dot"))
    diagram = workflow_diagram(MACHINES["mayday-medal"], "x", None, "zh-CN", settings, str)
    assert diagram.svg is None and len(diagram.states) == len(MACHINES["mayday-medal"].states)


def test_names_from_the_definition_cannot_break_the_dot_text_or_the_page() -> None:
    source = JIANGXI.read_text(encoding="utf-8").replace(
        "police: {name: 公安,", 'police: {name: "公安\\"]; x [label=\\"<b>&amp;\\\\",'
    )
    machine = NominationMachine(load_definition_text(source, "hostile.yaml")[0])
    name = machine.definition.departments["police"].name
    assert name == '公安"]; x [label="<b>&amp;\\'
    diagram = workflow_diagram(machine, None, "draft", "zh-CN", Settings(), str)
    assert diagram.svg is not None
    root = ET.fromstring(str(diagram.svg))
    shown = [t.text for t in root.iter(f"{NS}text")]
    assert name in shown  # drawn as written, one label
    assert "<b>" not in str(diagram.svg) and not root.findall(f".//{NS}b")
