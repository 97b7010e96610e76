"""The command line's human output, with HONORFLOW_LOCALE unset, holds no English word.

`nominations show`, `queue list`, an `act` refusal and `report funnel` are read as a person
reads them; states, triggers, roles and stages appear by their labels, times in Beijing time.
Names given on the command line (`--name`, the `admin` default) and proper tokens are allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.test_cli import SAMPLE, Honorflow, hf, setup_campaign  # noqa: F401
from tests.latin import latin_words

NAMES = {"admin", "jx"}


def _english(text: str) -> list[str]:
    return latin_words(text, NAMES)


def test_human_output_is_chinese_by_default(hf: Honorflow, tmp_path: Path) -> None:  # noqa: F811
    assert "HONORFLOW_LOCALE" not in hf.env
    setup_campaign(hf, tmp_path)
    first = hf.json("nominations", "import", str(SAMPLE))["ids"][0]
    outputs = {"import": hf.run("nominations", "import", "--campaign", "jx", str(SAMPLE)).stdout}
    outputs["submit"] = hf.run("act", str(first), "submit", "--name", "南昌经办人").stdout
    refused = hf.run("act", str(first), "approve", ok=False)
    assert refused.returncode == 4
    outputs["refusal"] = refused.stderr
    team = ("--as", "team_reviewer:working_team", "--name", "王审核")
    outputs["begin"] = hf.run("act", str(first), "begin_review", *team).stdout
    outputs["queue"] = hf.run("queue", "list", *team).stdout
    task = hf.json("queue", "list", *team)[0]["id"]
    outputs["claim"] = hf.run("queue", "claim", str(task), *team).stdout
    outputs["show"] = hf.run("nominations", "show", str(first)).stdout
    outputs["list"] = hf.run("nominations", "list", "jx").stdout
    outputs["funnel"] = hf.run("report", "funnel", "jx").stdout
    found = {name: _english(text) for name, text in outputs.items()}
    assert {name: words for name, words in found.items() if words} == {}
    # Labels and Beijing time, not codes and ISO:
    assert "状态：资格初审" in outputs["show"] and "可执行：" in outputs["show"]
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日\d{1,2}时", outputs["show"])
    assert "王审核（工作专班审核员）" in outputs["show"]
    assert "资格初审" in outputs["queue"] and "前" in outputs["queue"]
    assert "错误：当前状态“已报送”下不能执行“审定通过”" in outputs["refusal"]


def test_json_keeps_the_codes(hf: Honorflow, tmp_path: Path) -> None:  # noqa: F811
    setup_campaign(hf, tmp_path)
    first = hf.json("nominations", "import", str(SAMPLE))["ids"][0]
    assert hf.json("act", str(first), "submit")["to_state"] == "submitted"
    shown = hf.json("nominations", "show", str(first))
    assert shown["status"] == "submitted" and "begin_review" in shown["allowed_triggers"]
    assert {row["state"] for row in hf.json("report", "funnel", "jx")} >= {"submitted"}


def test_the_scan_catches_english_in_command_output() -> None:
    assert _english("状态：资格初审\nallowed: 开始审核") == ["allowed"]
    assert _english("任务3：同意  queued") == ["queued"]
    assert _english("admin（管理员）于2026年12月1日9时") == []
