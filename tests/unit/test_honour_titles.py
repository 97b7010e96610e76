"""拟授称号 from the definition's `documents.titles`: as written, else the first match."""

from __future__ import annotations

from dataclasses import replace

from tests.conftest import JIANGXI
from tests.integration.flow import facts
from workflow.definition_loading import load_definition_file
from workflow.honour_titles import section_key, title_for

JX, _ = load_definition_file(JIANGXI)
ENTERPRISE = facts()
SCHOOL = replace(facts(), employer_type="public_institution", ownership="public")


def test_the_employer_decides_the_title_when_the_form_leaves_it_blank() -> None:
    assert title_for(JX, ENTERPRISE, "", "荣誉") == "江西省劳动模范"
    assert title_for(JX, SCHOOL, " ", "荣誉") == "江西省先进工作者"


def test_a_title_written_on_the_form_stands() -> None:
    assert title_for(JX, SCHOOL, " 江西省劳动模范 ", "荣誉") == "江西省劳动模范"


def test_no_title_matches_gives_the_campaign_s_honour() -> None:
    untitled = JX.model_copy(update={"documents": JX.documents.model_copy(update={"titles": []})})
    assert title_for(untitled, ENTERPRISE, "", "江西省劳动模范（先进工作者）") == (
        "江西省劳动模范（先进工作者）"
    )


def test_sections_follow_the_definition_s_order_then_the_rest() -> None:
    keys = sorted(
        ["其他称号", "江西省先进工作者", "江西省劳动模范"], key=lambda t: section_key(JX, t)
    )
    assert keys == ["江西省劳动模范", "江西省先进工作者", "其他称号"]
