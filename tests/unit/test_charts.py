"""The dashboard's pictures: the funnel as a funnel, composition bars whose words fit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from config.catalogue import msg
from web.charts import NOT_EVALUATED, composition_svg
from web.charts import WIDTH as CHART_WIDTH
from web.funnel import WIDTH as FUNNEL_WIDTH
from web.funnel import funnel_bands, funnel_svg
from web.svg_text import text_width, wrap
from workflow.rules.composition import CompositionResult, parse_composition_rules

NS = "{http://www.w3.org/2000/svg}"
LONG = "县处级及以上领导干部占机关事业单位推荐人选的比例（不含单列名额及后备人选）"


def texts(svg: str) -> list[tuple[str, float, float, str]]:
    """Every line drawn: (words, x, font size, anchor)."""
    root = ET.fromstring(svg)
    found = []
    for text in root.iter(f"{NS}text"):
        size, anchor = float(text.get("font-size", "14")), text.get("text-anchor", "start")
        for span in text.iter(f"{NS}tspan"):
            found.append((span.text or "", float(span.get("x", "0")), size, anchor))
    return found


def inside(svg: str, width: float) -> list[str]:
    """Lines whose estimated box leaves the drawing (empty: nothing is cut)."""
    cut = []
    for words, x, size, anchor in texts(svg):
        w = text_width(words, size)
        left = x - w / 2 if anchor == "middle" else x
        if left < 0 or left + w > width:
            cut.append(words)
    return cut


@pytest.mark.parametrize(
    "words",
    [LONG, "企业职工占比", "share of front-line workers and technicians among enterprise staff",
     "新就业形态劳动者（快递员、外卖送餐员、网约车司机、货车司机）占比 35%"],
)  # fmt: skip
def test_wrapped_lines_fit_and_lose_nothing(words: str) -> None:
    lines = wrap(words, 200, 14)
    assert all(text_width(line, 14) <= 200 for line in lines), lines
    assert "".join(lines).replace(" ", "") == words.replace(" ", "")
    if " " in words and "（" not in words:
        assert all(w in words.split() for line in lines for w in line.split())  # words whole


def test_the_funnel_narrows_as_its_counts_do_and_says_its_figures() -> None:
    steps = [("draft", 300, 10), ("submitted", 240, 5), ("joint_review", 60, 60), ("awarded", 0, 0)]
    bands = funnel_bands(steps, lambda s: f"环节{s}", lambda **f: "{count}人，{share}".format(**f))
    assert [b.figures for b in bands] == [
        "300人，100.0%",
        "240人，80.0%",
        "60人，20.0%",
        "0人，0.0%",
    ]
    svg = str(funnel_svg(bands, "漏斗"))
    root = ET.fromstring(svg)
    tops = []
    for polygon in root.iter(f"{NS}polygon"):
        xs = [float(p.split(",")[0]) for p in polygon.get("points", "").split()]
        tops.append(xs[1] - xs[0])
    assert tops[0] == pytest.approx(340) and tops[1] == pytest.approx(340 * 240 / 300)
    assert tops[2] == pytest.approx(340 * 60 / 300) and 0 < tops[3] < 10
    assert [g.get("data-state") for g in root.iter(f"{NS}g")] == [s for s, _, _ in steps]
    shown = [w for w, *_ in texts(svg)]
    assert "环节joint_review" in shown and "60人，20.0%" in shown
    assert inside(svg, FUNNEL_WIDTH) == []


def test_a_long_step_name_wraps_inside_the_funnel() -> None:
    bands = funnel_bands([("a", 5, 5), ("b", 1, 1)], lambda s: LONG + s, lambda **f: "x")
    svg = str(funnel_svg(bands, "漏斗"))
    assert inside(svg, FUNNEL_WIDTH) == []
    assert "".join(w for w, *_ in texts(svg)).count(LONG) == 2
    assert funnel_bands([], str, str) == [] and "<svg" in str(funnel_svg([], "空"))


RULES = parse_composition_rules([
    {"kind": "share", "id": "long", "label": LONG, "group": {"gender": "F"}, "min_share": 0.2},
    {"kind": "share", "id": "gov", "label": "机关事业单位人员占比",
     "group": {"employer_type": "government"}, "max_share": 0.3},
    {"kind": "control_number", "id": "heads", "label": "企业负责人控制数",
     "group": {"category": "enterprise_head"}, "max_count": 3},
])  # fmt: skip


def result(rule_id: str, label: str, kind: str, value: float, count: int, ok: bool) -> Any:
    status = "met" if ok else "missed"
    return CompositionResult(
        rule_id, label, kind, value, count, 40, "", 0.0, 0, status, msg("composition.covered")
    )


RESULTS = [
    result("long", LONG, "share", 0.125, 5, False),
    result("gov", "机关事业单位人员占比", "share", 0.25, 10, True),
    result("heads", "企业负责人控制数", "control_number", 4, 4, False),
]


def test_every_rule_has_its_whole_label_its_bounds_and_its_verdict_in_words() -> None:
    svg = str(composition_svg(RESULTS, RULES, "结构比例"))
    assert inside(svg, CHART_WIDTH) == []
    lines = [w for w, *_ in texts(svg)]
    assert LONG in "".join(lines) and not any(line == LONG for line in lines)  # wrapped, whole
    said = "".join(lines)
    assert "实际12.5%（40人中5人）；下限20%；未达标" in said
    assert "实际25%（40人中10人）；上限30%；达标" in said
    assert "实际4人；控制数3人；未达标" in said
    root = ET.fromstring(svg)
    verdicts = {g.get("data-rule"): g.get("class") for g in root.iter(f"{NS}g")}
    assert verdicts == {"long": "rule failing", "gov": "rule ok", "heads": "rule failing"}
    assert len([x for x in root.iter(f"{NS}line") if "bound" in (x.get("class") or "")]) == 3


def test_the_chart_speaks_english_too() -> None:
    svg = str(composition_svg(RESULTS[1:2], RULES, "composition", "en"))
    assert "actual 25% (10 of 40); maximum 30%; met" in "".join(w for w, *_ in texts(svg))
    assert not re.search(r"[\u4e00-\u9fff]", svg.replace("机关事业单位人员占比", ""))


def test_chart_words_are_escaped() -> None:
    evil = [result("gov", "<script>占比</script>", "share", 0.1, 1, True)]
    svg = str(composition_svg(evil, RULES, "a&b"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well-formed


@given(
    st.text(alphabet=st.sampled_from("劳模评选ab cdXYZ（）、1%"), max_size=80),
    st.floats(min_value=30, max_value=400),
)
def test_wrapping_never_loses_a_character_nor_passes_the_width(words: str, width: float) -> None:
    lines = wrap(words, width, 14)
    assert "".join(lines).replace(" ", "") == words.replace(" ", "")
    assert all(text_width(line, 14) <= width or len(line) == 1 for line in lines), lines


def test_a_rule_not_evaluated_is_grey_with_no_value_and_says_why() -> None:
    empty = CompositionResult(
        "gov", "机关事业单位人员占比", "share", 0.0, 0, 0, "<= 30.0%", 0.0, 0, "not_evaluated",
        msg("composition.empty_list", label="机关事业单位人员占比"), "empty_list",
    )  # fmt: skip
    svg = str(composition_svg([empty], RULES, "结构比例"))
    said = "".join(w for w, *_ in texts(svg))
    assert "上限30%；未评估（名单为空）" in said and "实际" not in said
    root = ET.fromstring(svg)
    (rule,) = [g for g in root.iter(f"{NS}g") if g.get("data-rule") == "gov"]
    assert rule.get("class") == "rule not_evaluated"
    value = next(r for r in rule.iter(f"{NS}rect") if r.get("class") == "value")
    assert float(value.get("width") or -1) == 0.0 and value.get("fill") == NOT_EVALUATED
