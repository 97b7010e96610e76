"""`honorflow decide --preview`: the same plan the decision uses, printed, nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

from models.db import make_session_factory
from tests.conftest import sqlite_engine
from tests.e2e.seed_committee import seed_committee
from tests.integration.flow import COVERAGE, status
from tests.integration.test_cli import Honorflow
from tests.latin import latin_words


def test_the_preview_prints_the_plan_and_changes_nothing(tmp_path: Path) -> None:
    sf = make_session_factory(sqlite_engine(tmp_path))
    ids = seed_committee(sf).ids
    hf = Honorflow(tmp_path)
    hf.env["HONORFLOW_DATABASE_URL"] = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    woman = ids["林巧梅"]
    args = ("decide", "jx2026", "--except", f"{woman}:考察发现问题", "--preview")

    shown = hf.run(*args).stdout
    assert shown.startswith("待审定5人：拟审定通过4人，不予通过1人（预览，未作任何更改）")
    assert "未达标：女性占比" in shown and "须写明突破结构比例的理由方可审定" in shown
    assert latin_words(shown, set()) == []
    data = json.loads(hf.run("--json", *args).stdout)
    assert data["not_approved"] == [woman] and len(data["approved"]) == 4
    missed = {r["code"] for r in data["composition"] if r["status"] == "missed"}
    assert missed == {"women_min", *COVERAGE} - {"community_coverage"}  # 孙立新 covers it
    # No 机关事业单位 nominee: the share of county officials among them is not evaluated.
    unmeasured = [r for r in data["composition"] if r["status"] == "not_evaluated"]
    assert [(r["code"], r["reason"], r["ok"]) for r in unmeasured] == [
        ("gov_county_max", "empty_base", False)
    ]
    assert "县处级干部占机关事业单位人员比例：未评估：基数" in shown and "（不影响审定）" in shown
    assert status(sf, woman).status == "committee"

    refused = hf.run("decide", "jx2026", "--preview", "--as", "team_reviewer", ok=False)
    assert refused.returncode == 6  # permission denied
    decided = hf.json("decide", "jx2026", "--except", f"{woman}:考察发现问题", "--override", "同意")
    assert decided["not_approved"] == [woman] and sorted(decided["awarded"]) == sorted(
        i for i in ids.values() if i != woman
    )
