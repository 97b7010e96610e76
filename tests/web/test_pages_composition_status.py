"""The pages show each composition rule as met, missed, or not evaluated with its reason; a rule
not evaluated never reads as met, and it does not ask the committee for an override."""

from __future__ import annotations

import re

from tests.integration import flow
from tests.web.conftest import World
from tests.web.test_pages_exports import logged_in

BALANCED = flow.BALANCED


def row(html: str, rule: str) -> str:
    """The table row of one rule."""
    found = re.search(rf'<tr data-rule="{rule}"[^>]*>.*?</tr>', html, flags=re.S)
    assert found, rule
    return found.group(0)


def test_the_committee_page_shows_not_evaluated_apart_from_met_and_missed(world: World) -> None:
    secretary = logged_in(world, "secretary")
    page = secretary.get("/committee?campaign=jx2026").text
    # One man before the committee: women missed; no 机关事业单位 nominee, so the county
    # officials' share of them is not evaluated.
    women, county = row(page, "women_min"), row(page, "gov_county_max")
    assert 'class="missed"' in women and 'data-status="missed"' in women and "未达标" in women
    assert 'class="not-evaluated"' in county and 'data-status="not_evaluated"' in county
    assert "未评估（基数为空）" in county and "达标" not in county.replace("未达标", "")
    assert 'id="override-needed"' in page
    # The bound in words, as the office writes it, not as an operator.
    assert "不低于" in women and "不高于" in county
    assert "&gt;=" not in women and "&lt;=" not in county

    balanced = flow.add(world.sf, world.campaign_id, "nc", "审定庚", **BALANCED)
    flow.to_committee(world.sf, balanced)
    flow.add_village_worker(world.sf, world.campaign_id)
    page = secretary.get("/committee?campaign=jx2026").text
    assert 'data-status="met"' in row(page, "women_min")
    assert 'id="override-needed"' not in page and 'id="all-met"' not in page
    assert "没有未达标的结构比例；1项未评估" in page and 'id="none-missed"' in page
    english = secretary.get("/committee?campaign=jx2026&lang=en").text
    assert "not evaluated (the base is empty)" in row(english, "gov_county_max")
    assert "at most" in row(english, "gov_county_max") and "at least" in row(english, "women_min")


def test_the_admin_pages_and_the_chart_show_the_three_statuses(world: World) -> None:
    admin = logged_in(world, "admin")
    for address in ("/admin/campaigns/jx2026", "/admin?campaign=jx2026"):
        page = admin.get(address).text
        county = row(page, "gov_county_max")
        assert 'data-status="not_evaluated"' in county and "未评估（" in county, address
        assert "不高于" in county and "&lt;=" not in county, address
        assert "绿色为达标，红色为未达标，灰色为未评估" in page
        assert re.search(r'<g class="rule not_evaluated" data-rule="gov_county_max">', page)
