"""Rule results speak the reader's language: the API's `message` (with a `code`) and the page.

The nomination and task pages and `GET /api/nominations/{id}` run the eligibility rules;
a failed rule's reason is a Message rendered where it is read, so `?lang=en` (a page) or
`Accept-Language: en` (the API) shows English and the default Chinese, with the figures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from config.catalogue import msg
from tests.web.conftest import World
from tests.web.test_api_nominations import body
from web import i18n
from web.pages.render import ENV
from workflow.queries.eligibility import RuleResult

EN = {"Accept-Language": "en-GB,en;q=0.9"}


def _democratic(world: World, nomination: int, **headers: str) -> dict[str, Any]:
    url = f"/api/nominations/{nomination}"
    answer = world.client.get(url, headers={**world.h("admin"), **headers})
    assert answer.status_code == 200, answer.text
    (rule,) = [r for r in answer.json()["rules"] if r["rule"] == "democratic_recommendation"]
    return dict(rule)


def test_the_api_gives_a_failed_rule_its_code_and_words_in_the_request_language(
    world: World,
) -> None:
    data = body()
    data["nominee"]["votes_for"] = 40  # type: ignore[index]
    created = world.client.post("/api/nominations", json=data, headers=world.h("admin"))
    assert created.status_code == 201, created.text
    nomination = created.json()["id"]
    zh = _democratic(world, nomination)
    en = _democratic(world, nomination, **EN)
    assert zh["ok"] is en["ok"] is False
    assert zh["code"] == en["code"] == "rule.democratic_recommendation.below"
    assert zh["message"] == "赞成率40.0%（100票中40票赞成），低于要求的50%"
    assert en["message"] == "approval 40.0% (40 of 100 votes) is below the required 50%"
    assert zh["reason"] == zh["message"] and en["reason"] == en["message"]


def _page(results: list[RuleResult], lang: str) -> str:
    values = {
        "lang": lang,
        "t": i18n.translator(lang),
        "label": i18n.labeller(lang),
        "text": i18n.renderer(lang),
        "view": type("View", (), {"rules": results})(),
    }
    return ENV.get_template("_rules.html").render(values)


def test_the_rules_table_shows_the_reason_in_the_page_language() -> None:
    start, end = date(2025, 11, 3), date(2025, 11, 5)
    reason = msg("rule.unit_notice.too_short", start=start, end=end, days=3, minimum=5)
    results = [RuleResult("unit_notice", False, reason), RuleResult("nationality", True)]
    zh, en = _page(results, "zh-CN"), _page(results, "en")
    assert "单位公示2025年11月3日至2025年11月5日共3个工作日，少于规定的5个工作日" in zh
    assert (
        "unit-level notice 2025-11-03 to 2025-11-05 spans 3 working day(s); at least 5 are required"
    ) in en
    assert "unit-level" not in zh and "单位公示" not in en
