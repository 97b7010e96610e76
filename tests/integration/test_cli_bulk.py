"""`honorflow submit --all` and `honorflow act --all`: a line per nomination, codes in --json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration.test_cli import SAMPLE, Honorflow, hf, setup_campaign  # noqa: F401
from tests.latin import latin_words

TEAM = "team_reviewer:working_team"


def test_a_unit_submits_all_its_drafts_and_the_team_begins_review(
    hf: Honorflow,  # noqa: F811
    tmp_path: Path,
) -> None:
    setup_campaign(hf, tmp_path)
    hf.json("nominations", "import", str(SAMPLE))
    drafts = hf.json("nominations", "list", "jx", "--unit", "nc")
    submitted = hf.run("--json", "submit", "--all", "--campaign", "jx", "--unit", "nc",
                       "--as", "unit_clerk@nc", ok=False)  # fmt: skip
    body = json.loads(submitted.stdout)
    assert [r["id"] for r in body["results"]] == [d["id"] for d in drafts]
    assert set(body["results"][0]) == {"id", "ok", "code", "message", "state"}
    codes = {r["code"] for r in body["results"]}
    assert "done" in codes
    # A unit of 3 places with more main nominees: the rest are refused, each with its reason.
    assert submitted.returncode == (1 if body["refused"] else 0)
    assert body["done"] + body["refused"] == len(drafts)

    human = hf.run("act", "--all", "--campaign", "jx", "--stage", "submitted",
                   "--trigger", "begin_review", "--as", TEAM)  # fmt: skip
    lines = human.stdout.strip().splitlines()
    assert len(lines) == body["done"] + 1
    assert all("已完成" in line and "资格初审" in line for line in lines[:-1])
    assert lines[-1].startswith("“开始审核”：共")
    assert latin_words(human.stdout) == []


def test_bulk_refusals_on_the_command_line(hf: Honorflow, tmp_path: Path) -> None:  # noqa: F811
    setup_campaign(hf, tmp_path)
    hf.json("nominations", "import", str(SAMPLE))
    none = hf.run("act", "--all", "--campaign", "jx", "--stage", "inspection",
                  "--trigger", "pass", "--as", TEAM, ok=False)  # fmt: skip
    assert none.returncode == 2 and "未选择任何推荐人选" in none.stderr
    bad = hf.run("act", "--all", "--campaign", "jx", "--flag", "rich",
                 "--trigger", "pass", "--as", TEAM, ok=False)  # fmt: skip
    assert bad.returncode == 2 and "--flag" in bad.stderr and "新就业形态劳动者" in bad.stderr
    vetoing = hf.run("act", "--all", "--campaign", "jx", "--trigger", "veto", "--as", TEAM,
                     ok=False)  # fmt: skip
    assert vetoing.returncode == 2 and "--trigger" in vetoing.stderr
    police = hf.run("act", "--all", "--campaign", "jx", "--trigger", "pass",
                    "--as", "department_reviewer:police", ok=False)  # fmt: skip
    assert police.returncode == 6
    no_reason = hf.run("act", "--all", "--campaign", "jx", "--trigger", "return_material",
                       "--as", TEAM, ok=False)  # fmt: skip
    assert no_reason.returncode == 2 and "须写明理由" in no_reason.stderr
    unscoped = hf.run("act", "--all", "--trigger", "pass", "--as", TEAM, ok=False)
    assert unscoped.returncode == 2
    one = hf.json("nominations", "list", "jx")[0]["id"]
    moved = hf.json("act", str(one), "submit", "--as", "admin")  # the single form still works
    assert moved["to_state"] == "submitted"
