"""`honorflow report composition` exits with the list's status (0 met, 17 missed, 18 not
evaluated), and under `--json` every error is one JSON object on stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.main import json_asked
from tests.integration.test_cli import Honorflow, hf, setup_campaign  # noqa: F401

REPORT = ("report", "composition", "jx", "--scope", "submitted")
WOMEN = {"kind": "share", "id": "women", "label": "女性占比", "group": {"gender": "F"}}
HEADS = {"kind": "control_number", "id": "heads", "label": "企业负责人控制数"}
HEADS |= {"group": {"category": "enterprise_head"}, "max_count": 3}


def amend(cli: Honorflow, tmp_path: Path, rules: list[dict[str, Any]]) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    cli.run("campaign", "rules", "amend", "jx", "--file", str(path), "--reason", "测试")


def report(cli: Honorflow, code: int) -> tuple[str, dict[str, Any]]:
    """The report as text and as JSON, each checked to exit with `code`."""
    shown = cli.run(*REPORT, ok=False)
    as_json = cli.run("--json", *REPORT, ok=False)
    assert (shown.returncode, as_json.returncode) == (code, code), shown.stderr
    assert shown.stderr == as_json.stderr == ""  # a verdict, not an error
    return shown.stdout, json.loads(as_json.stdout)


def test_the_exit_code_and_the_json_tell_missed_from_not_evaluated_from_met(
    hf: Honorflow,  # noqa: F811
    tmp_path: Path,
) -> None:
    setup_campaign(hf, tmp_path)  # nothing submitted yet: the list is empty

    # The Jiangxi rules: every share is of nobody, the coverage rules are missed.
    shown, data = report(hf, 17)
    statuses = {r["rule_id"]: (r["status"], r["reason"], r["ok"]) for r in data["rules"]}
    assert data["status"] == "missed" and data["size"] == 0
    assert statuses["women_min"] == ("not_evaluated", "empty_list", False)
    assert statuses["gig_coverage"] == ("missed", None, False)
    assert statuses["heads_per_unit"] == ("met", None, True)  # nobody exceeds a ceiling
    table = shown.split("推定规则：")[0]  # the definition's implications follow the table
    assert "未评估（名单为空）" in table and "未达标" in table and "是" not in table

    amend(hf, tmp_path, [{**WOMEN, "min_share": 0.2}, HEADS])
    shown, data = report(hf, 18)
    assert data["status"] == "not_evaluated"
    assert [(r["rule_id"], r["status"], r["reason"]) for r in data["rules"]] == [
        ("women", "not_evaluated", "empty_list"),
        ("heads", "met", None),
    ]
    women, heads = shown.splitlines()[1:3]
    # The bound in words, not as an operator.
    assert women.split() == ["-", "不低于20.0%", "-", "未评估（名单为空）", "女性占比"]
    assert heads.split() == ["0", "不超过3人", "+3", "达标", "企业负责人控制数"]

    amend(hf, tmp_path, [HEADS])
    shown, data = report(hf, 0)
    assert data["status"] == "met" and [r["status"] for r in data["rules"]] == ["met"]

    hf.env["HONORFLOW_LOCALE"] = "en"
    amend(hf, tmp_path, [{**WOMEN, "min_share": 0.2}])
    shown, _ = report(hf, 18)
    assert "not evaluated (the list is empty)" in shown


def error_of(result: Any) -> dict[str, Any]:
    """The one JSON object a failed command prints on stderr under --json."""
    assert result.stdout == ""
    body = json.loads(result.stderr)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "exit_code"}
    assert body["error"]["exit_code"] == result.returncode
    return dict(body["error"])


def test_every_error_is_json_under_json_and_a_line_otherwise(hf: Honorflow) -> None:  # noqa: F811
    hf.run("db", "upgrade")
    missing = hf.run("--json", "report", "composition", "nope", ok=False)
    assert missing.returncode == 3  # not found, as without --json
    error = error_of(missing)
    assert error["code"] == "error.no_such" and "nope" in error["message"]
    assert not error["message"].startswith("错误")
    plain = hf.run("report", "composition", "nope", ok=False)
    assert plain.returncode == 3 and plain.stderr == f"错误：{error['message']}\n"

    hf.env["HONORFLOW_LOCALE"] = "en"
    english = error_of(hf.run("--json", "report", "composition", "nope", ok=False))
    assert english["code"] == "error.no_such" and english["message"] != error["message"]
    del hf.env["HONORFLOW_LOCALE"]

    for args in (("report", "composition"), ("no-such-command",), ("report", "funnel", "-x")):
        usage = hf.run("--json", *args, ok=False)
        assert usage.returncode == 2, args
        assert error_of(usage)["code"] == "usage"
        plain = hf.run(*args, ok=False)
        assert plain.returncode == 2 and "Usage:" in plain.stderr

    # The flag after the subcommand is no global flag: click refuses it, in plain words.
    late = hf.run("report", "composition", "nope", "--json", ok=False)
    assert late.returncode == 2 and "Usage:" in late.stderr


@pytest.mark.parametrize(
    ("args", "asked"),
    [
        (["--json", "report", "composition", "jx"], True),
        (["--json"], True),
        (["report", "composition", "jx", "--json"], False),
        (["report", "--json"], False),
        (["--", "--json"], False),
        ([], False),
    ],
)
def test_the_global_json_flag_is_read_before_the_subcommand(args: list[str], asked: bool) -> None:
    assert json_asked(args) is asked
