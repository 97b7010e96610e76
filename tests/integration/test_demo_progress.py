"""The demo reports its progress phase by phase, each phase named in words: a bar per phase,
and on a long run a line per phase with its seconds."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from cli.demo_progress import PhaseBars, phase_label
from config.settings import WORKFLOWS_DIR
from demo.scales import SCALES, scale_units
from demo.scenario import DemoScenario
from models.db import make_session_factory
from tests.conftest import sqlite_engine

SCENARIO_PHASES = [
    "launch",
    "recommendation",
    "submission",
    "begin_review",
    "qualification",
    "joint_review",
    "public_notice",
    "decision",
    "revocation",
]
COMMAND_PHASES = ["mail", "report"]  # run by the command itself, after the scenario
LATIN = re.compile(r"[A-Za-z]")


def test_every_phase_reports_its_steps_and_ends_with_all_of_them_done(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path)
    reports: list[tuple[str, int, int]] = []
    ended: list[str] = []
    scenario = DemoScenario(
        make_session_factory(engine),
        WORKFLOWS_DIR / "jiangxi-labour-model.yaml",
        progress=lambda phase, done, total: reports.append((phase, done, total)),
        units=scale_units(SCALES["small"]),
        phase_done=lambda phase, _seconds: ended.append(phase),
    )
    scenario.run()
    engine.dispose()

    assert ended == SCENARIO_PHASES
    # Each phase begins with no size known yet, before any of its steps is told.
    first: dict[str, tuple[int, int]] = {}
    for phase, done, total in reports:
        first.setdefault(phase, (done, total))
    assert first == dict.fromkeys(SCENARIO_PHASES, (0, 0))
    runs = [p for i, (p, _, _) in enumerate(reports) if i == 0 or reports[i - 1][0] != p]
    assert runs == SCENARIO_PHASES  # one phase after the other, none told of twice
    for phase, done, total in reports:
        assert 0 <= done <= total or (done, total) == (0, 0), (phase, done, total)
    last = {phase: (done, total) for phase, done, total in reports}
    counted = {phase for phase, (done, total) in last.items() if total}
    # The phases that loop over units, files and tasks count them, and end with all done.
    assert {"recommendation", "submission", "begin_review", "qualification", "joint_review"} <= (
        counted
    )
    assert all(done == total for done, total in last.values())
    # Qualification counts its second pass and the departments answering meanwhile too.
    assert last["qualification"][1] > last["begin_review"][1]


@pytest.mark.parametrize("phase", SCENARIO_PHASES + COMMAND_PHASES)
def test_each_phase_has_words_in_both_locales_and_the_chinese_holds_no_code(
    phase: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HONORFLOW_LOCALE", "zh-CN")
    chinese = phase_label(phase)
    assert chinese != f"cli.demo_phase.{phase}" and not LATIN.search(chinese), chinese
    monkeypatch.setenv("HONORFLOW_LOCALE", "en")
    english = phase_label(phase)
    assert english != f"cli.demo_phase.{phase}" and english != chinese


def test_a_phase_line_names_the_phase_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HONORFLOW_LOCALE", "zh-CN")
    out = io.StringIO()
    with PhaseBars(Console(file=out), shown=False, lines=True) as bars:
        bars.progress("qualification", 0, 0)
        bars.phase_done("qualification", 132.14)
        with bars.phase("mail"):
            pass
    lines = out.getvalue().splitlines()
    assert lines[0] == "资格初审：132.1秒"
    assert re.fullmatch(r"发送邮件：\d+\.\d秒", lines[1])


def test_without_lines_a_short_run_writes_nothing_but_its_bars(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HONORFLOW_LOCALE", "zh-CN")
    out = io.StringIO()
    with PhaseBars(
        Console(file=out, force_terminal=True, width=100), shown=True, lines=False
    ) as bars:
        bars.progress("submission", 0, 0)
        bars.progress("submission", 3, 5)
        bars.phase_done("submission", 1.0)
        shown = [(task.description.strip(), task.completed, task.total) for task in bars.tasks]
    assert shown == [("单位报送", 5, 5)]
