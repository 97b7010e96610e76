"""`honorflow campaign rules show|amend` and `campaign quota` from the terminal: the same services
as the pages and the API, so the same refusals, in Chinese, with exit codes."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.integration.test_cli import Honorflow, hf, setup_campaign  # noqa: F401
from tests.latin import latin_words


def _rules_file(tmp_path: Path, rules: object, name: str = "rules.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    return path


def test_rules_are_shown_in_words_and_amended_with_a_reason(
    hf: Honorflow,  # noqa: F811
    tmp_path: Path,
) -> None:
    setup_campaign(hf, tmp_path)
    shown = hf.run("campaign", "rules", "show", "jx").stdout
    assert "女性占比：性别为女占全部人选的比例不低于20%" in shown
    # The definition's own codes and the operators in words, no code shown.
    assert "岗位类型为急难险重岗位" in shown and "民族不为汉族" in shown, shown
    assert latin_words(shown) == []
    rules = hf.json("campaign", "rules", "show", "jx")
    changed = [{**r, "min_share": 0.3} if r["id"] == "women_min" else r for r in rules]
    path = _rules_file(tmp_path, changed)
    done = hf.run("campaign", "rules", "amend", "jx", "--file", str(path), "--reason", "提高")
    assert f"结构比例规则已修改，现有{len(rules)}条" in done.stdout
    assert "不低于30%" in hf.run("campaign", "rules", "show", "jx").stdout
    audit = hf.json("audit", "list")
    assert any(e["trigger"] == "composition_amended" and e["reason"] == "提高" for e in audit)


def test_bad_rules_files_are_refused_naming_what_and_where(
    hf: Honorflow,  # noqa: F811
    tmp_path: Path,
) -> None:
    setup_campaign(hf, tmp_path)
    rules = hf.json("campaign", "rules", "show", "jx")
    bad = [{**r, "max_count": -1} if r["id"] == "heads_per_unit" else r for r in rules]
    refused = hf.run(
        "campaign",
        "rules",
        "amend",
        "jx",
        "--file",
        str(_rules_file(tmp_path, bad)),
        "--reason",
        "改",
        ok=False,
    )
    assert refused.returncode == 10
    assert "第7条规则（每单位企业负责人控制数）的控制数" in refused.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("- {kind: share\n", encoding="utf-8")
    unreadable = hf.run(
        "campaign", "rules", "amend", "jx", "--file", str(broken), "--reason", "改", ok=False
    )
    assert unreadable.returncode == 10 and "不是有效的 YAML" in unreadable.stderr
    huge = tmp_path / "huge.yaml"
    huge.write_text("#" * (65 * 1024), encoding="utf-8")
    too_big = hf.run(
        "campaign", "rules", "amend", "jx", "--file", str(huge), "--reason", "改", ok=False
    )
    assert too_big.returncode == 10 and "64千字节" in too_big.stderr
    clerk = hf.run(
        "campaign",
        "rules",
        "amend",
        "jx",
        "--file",
        str(_rules_file(tmp_path, rules)),
        "--reason",
        "改",
        "--as",
        "unit_clerk@nc",
        ok=False,
    )
    assert clerk.returncode == 6


def test_the_quota_command_reads_chinese_headers_and_refuses_a_bad_row(
    hf: Honorflow,  # noqa: F811
    tmp_path: Path,
) -> None:
    setup_campaign(hf, tmp_path)
    table = tmp_path / "名额.csv"
    table.write_text("单位代码,单位名称,名额\nnc,南昌市总工会,4\njj,九江市总工会,三\n", "utf-8")
    refused = hf.run("campaign", "quota", "jx", str(table), ok=False)
    assert refused.returncode == 10 and "名额.csv:3: 名额" in refused.stderr
    table.write_text("单位代码,单位名称,名额\nnc,南昌市总工会,4\njj,九江市总工会,3\n", "utf-8")
    assert hf.json("campaign", "quota", "jx", str(table)) == {"rows": 2, "places": 7}
    skipped = hf.run("campaign", "advance", "jx", "--to", "decided", ok=False)
    assert skipped.returncode == 11 and "从“推荐评审”进入“已审定”" in skipped.stderr
