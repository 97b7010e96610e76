"""The `honorflow` command end to end, on a fresh SQLite file per test.

Commands run in this process as a fresh process would run them (tests/cli_runner.py); the
tests whose point is the real process (`python -m cli.main` and the installed `honorflow`
script, their exit status and their streams) start one with `Honorflow.spawn`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import cli_runner
from tests.latin import latin_words

ROOT = Path(__file__).resolve().parents[2]
JIANGXI = ROOT / "config" / "workflows" / "jiangxi-labour-model.yaml"
SAMPLE = ROOT / "tests" / "data" / "nominations_sample.csv"


class Honorflow:
    """Runs the CLI against its own database file: in this process, as a fresh process would
    (`run`), or as a real process (`spawn`, and `run` too when made with `process=True`)."""

    def __init__(self, tmp_path: Path, process: bool = False) -> None:
        self.db = tmp_path / "hf.sqlite3"
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "HONORFLOW_LOCALE"},
            "HONORFLOW_DATABASE_URL": f"sqlite:///{self.db}",
            "HONORFLOW_DATA_DIR": str(tmp_path / "data"),
        }
        self.cwd = tmp_path
        self.process = process

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        if self.process:
            return self.spawn(*args, ok=ok)
        result = cli_runner.invoke(args, self.env, self.cwd)
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    def spawn(
        self, *args: str, ok: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`python -m cli.main ARGS` as a real process."""
        result = cli_runner.spawn(args, self.env, self.cwd, stdin=stdin)
        if ok:
            assert result.returncode == 0, result.stderr
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self.run("--json", *args).stdout)


@pytest.fixture
def hf(tmp_path: Path) -> Honorflow:
    return Honorflow(tmp_path)


def write_quota(tmp_path: Path) -> Path:
    path = tmp_path / "quota.csv"
    path.write_text(
        "unit_code,unit_name,places,email\n"
        "nc,南昌市总工会,3,nc@example.org\njt,省交通运输厅,2,\ngz,赣州市总工会,3,\n",
        encoding="utf-8",
    )
    return path


def setup_campaign(hf: Honorflow, tmp_path: Path) -> None:
    hf.run("db", "upgrade")
    hf.run("workflow", "load", str(JIANGXI))
    hf.run(
        "campaign",
        "create",
        "--code",
        "jx",
        "--title",
        "测试",
        "--definition",
        "jiangxi-labour-model",
        "--reference-date",
        "2026-03-01",
    )
    hf.run("campaign", "quota", "jx", str(write_quota(tmp_path)))
    hf.run("campaign", "advance", "jx")  # recommendation opens: units may submit


def test_workflow_validate_reports_file_key_and_problem(hf: Honorflow, tmp_path: Path) -> None:
    """As a real process: its exit status, and the Chinese line it writes on stderr."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        JIANGXI.read_text(encoding="utf-8").replace(
            "    kind: inspection", "    kind: inspection\n    colour: red"
        ),
        encoding="utf-8",
    )
    result = hf.spawn("workflow", "validate", str(bad), ok=False)
    assert result.returncode == 2
    assert f"{bad}: stages.2.colour: 未知的键" in result.stderr
    assert "Traceback" not in result.stderr
    good = json.loads(hf.spawn("--json", "workflow", "validate", str(JIANGXI)).stdout)
    assert good["valid"] is True and "public_notice" in good["states"]


def test_the_installed_script_runs_a_command(hf: Honorflow) -> None:
    """The `honorflow` console script (pyproject's [project.scripts]) as a real process."""
    script = shutil.which("honorflow", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the project is not installed in this environment (pip install -e .)")
    done = subprocess.run(
        [script, "--json", "workflow", "validate", str(JIANGXI)],
        env=hf.env,
        cwd=hf.cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["valid"] is True


def test_workflow_load_versions_and_show_mermaid(hf: Honorflow, tmp_path: Path) -> None:
    hf.run("db", "upgrade")
    assert hf.json("workflow", "load", str(JIANGXI)) == {
        "definition": "jiangxi-labour-model@1",
        "created": True,
    }
    assert hf.json("workflow", "load", str(JIANGXI))["created"] is False
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        JIANGXI.read_text(encoding="utf-8").replace("duration_days: 15", "duration_days: 20"),
        encoding="utf-8",
    )
    assert hf.json("workflow", "load", str(changed))["definition"] == "jiangxi-labour-model@2"
    diagram = hf.run("workflow", "show", "jiangxi-labour-model", "--mermaid").stdout
    assert diagram.startswith("stateDiagram-v2")
    assert "qualification --> joint_review: 通过" in diagram
    shown = hf.json("workflow", "show", "jiangxi-labour-model", "--version", "1")
    assert shown["definition"] == "jiangxi-labour-model@1"


def test_import_act_queue_report_and_audit(hf: Honorflow, tmp_path: Path) -> None:
    setup_campaign(hf, tmp_path)
    imported = hf.json("nominations", "import", str(SAMPLE))
    first = imported["ids"][0]
    listed = hf.json("nominations", "list", "jx", "--status", "draft")
    assert len(listed) == imported["imported"]
    moved = hf.json("act", str(first), "submit")
    assert (moved["from_state"], moved["to_state"]) == ("draft", "submitted")
    refused = hf.run("act", str(first), "approve", ok=False)
    assert refused.returncode == 4
    assert refused.stderr.strip().splitlines() == [
        "错误：当前状态“已报送”下不能执行“审定通过”；可执行：开始审核、撤回"
    ]
    hf.env["HONORFLOW_LOCALE"] = "en"
    refused = hf.run("act", str(first), "approve", ok=False)
    del hf.env["HONORFLOW_LOCALE"]
    assert refused.returncode == 4
    assert refused.stderr.strip().splitlines() == [
        "error: trigger 'approve' is not allowed in state 'submitted'; "
        "allowed: begin review, withdraw"
    ]
    hf.run("act", str(first), "begin_review", "--as", "team_reviewer:working_team")
    tasks = hf.json("queue", "list", "--as", "team_reviewer:working_team")
    assert [t["nomination_id"] for t in tasks] == [first]
    foreign = hf.run(
        "queue", "claim", str(tasks[0]["id"]), "--as", "department_reviewer:tax", ok=False
    )
    # Another department's task does not exist for this reviewer (as on the API and pages).
    assert foreign.returncode == 3 and "不存在" in foreign.stderr
    assert "working_team" not in foreign.stderr
    hf.run("queue", "claim", str(tasks[0]["id"]), "--as", "team_reviewer:working_team")
    shown = hf.json("nominations", "show", str(first))
    assert shown["status"] == "qualification"
    assert [e["trigger"] for e in shown["timeline"]][:3] == ["create", "submit", "begin_review"]
    funnel = {row["state"]: row["count"] for row in hf.json("report", "funnel", "jx")}
    assert funnel["qualification"] == 1
    # One nominee misses rules (exit 17): the report is printed all the same.
    missed = hf.run("--json", "report", "composition", "jx", "--scope", "submitted", ok=False)
    assert missed.returncode == 17, missed.stderr
    composition = json.loads(missed.stdout)
    assert composition["size"] == 1 and {r["rule_id"] for r in composition["rules"]} >= {
        "women_min"
    }
    assert composition["status"] == "missed"
    # The definition's implications come with the figures they shaped.
    implied = "人员类别为新就业形态劳动者的，视为是否新就业形态为是"
    assert implied in composition["implies"]
    text = hf.run("report", "composition", "jx", "--scope", "submitted", ok=False).stdout
    assert "推定规则：" in text and implied in text
    assert hf.json("audit", "verify")["ok"] is True


def test_bad_import_lists_every_row_and_imports_nothing(hf: Honorflow, tmp_path: Path) -> None:
    setup_campaign(hf, tmp_path)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad_rows = []
    for line in lines[1:4]:
        cells = line.split(",")
        cells[header.index("gender")] = "X"
        bad_rows.append(",".join(cells))
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([lines[0], *bad_rows, *lines[4:]]) + "\n", encoding="utf-8")
    result = hf.run("nominations", "import", str(bad), "--campaign", "jx", ok=False)
    assert result.returncode == 10
    assert result.stderr.startswith("错误：导入被拒绝：共3处错误，未导入任何记录\n")
    for row in (2, 3, 4):
        assert f"bad.csv:{row}: 性别: “X”不是可接受的值，应为男或女" in result.stderr
    assert hf.json("nominations", "list", "jx") == []


def test_audit_verify_exits_nonzero_on_tampering(hf: Honorflow, tmp_path: Path) -> None:
    setup_campaign(hf, tmp_path)
    hf.run("nominations", "import", "--campaign", "jx", str(SAMPLE))
    with sqlite3.connect(hf.db) as conn:
        conn.execute("UPDATE audit_events SET reason = 'forged' WHERE seq = 3")
    result = hf.run("audit", "verify", ok=False)
    assert result.returncode == 1
    assert "审计链在第3条记录处断裂" in result.stdout and "第3条记录被改动过" in result.stdout
    assert latin_words(result.stdout) == []  # the reason is words from the catalogue
    as_json = json.loads(hf.run("--json", "audit", "verify", ok=False).stdout)
    assert as_json["problem"] == "chain.altered"  # --json carries the code


def test_demo_runs_every_stage_and_refuses_a_used_database(hf: Honorflow) -> None:
    report = hf.json("demo")
    funnel = {row["state"]: row for row in report["funnel"]}
    for stage in (
        "submitted",
        "qualification",
        "joint_review",
        "inspection",
        "public_notice",
        "committee",
    ):
        assert funnel[stage]["entered"] > 0
    assert funnel["awarded"]["entered"] > 200
    for end in ("disqualified", "vetoed", "removed", "withdrawn", "revoked"):
        assert funnel[end]["now"] > 0, end
    assert report["alternates_stepped_up"] > 0
    assert report["refused_at_submission"].get("quota") == 1
    assert report["emails_queued"]["task_assigned"] > 0
    assert report["audit"]["ok"] is True
    again = hf.run("demo", ok=False)
    assert again.returncode != 0 and "--reset" in again.stderr
    assert hf.json("demo", "--reset")["funnel"] == report["funnel"]  # deterministic


def test_import_needs_the_campaign_named_when_several_are_open(
    hf: Honorflow, tmp_path: Path
) -> None:
    setup_campaign(hf, tmp_path)
    hf.run(
        "campaign",
        "create",
        "--code",
        "jx2",
        "--title",
        "另一个",
        "--definition",
        "jiangxi-labour-model",
        "--reference-date",
        "2026-03-01",
    )
    refused = hf.run("nominations", "import", str(SAMPLE), ok=False)
    assert refused.returncode == 11
    assert "有2个评选活动正在接收推荐（jx、jx2），请指定其中一个" in refused.stderr
    assert hf.json("nominations", "import", str(SAMPLE), "--campaign", "jx2")["imported"] > 0
