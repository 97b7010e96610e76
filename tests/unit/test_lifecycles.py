"""The declared lifecycles, table-driven: every status x every target of each single-row writer.

An allowed move changes the status and appends exactly one audit event; any other move is
refused with `InvalidState` naming the current status and the allowed moves, and changes
nothing. The set-based deadline moves are tested on real databases in
tests/integration/test_deadline_lifecycle.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from config.catalogue import label, msg
from config.message_json import REASON_KEY, message_from_json
from models import Campaign, Deadline, Objection, ReviewTask
from models.reviews import TASK_CANCELLED, TASK_CLAIMED, TASK_DONE, TASK_OPEN
from workflow import audit
from workflow.actors import Actor
from workflow.errors import InvalidState
from workflow.lifecycles import campaign_phase, objection, review_task
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.lifecycles.table import Lifecycle

ADMIN = Actor("admin", "admin")

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class _Session:
    def __init__(self, row: object) -> None:
        self.row = row

    def get(self, model: type, ident: int) -> object:
        return self.row


class FakeUow:
    """Just enough of a unit of work for the single-row writers (audit is recorded apart)."""

    def __init__(self, row: object = None) -> None:
        self.session = _Session(row)


@pytest.fixture
def audited(monkeypatch: pytest.MonkeyPatch) -> list[audit.AuditEntry]:
    entries: list[audit.AuditEntry] = []

    def append(uow: Any, now: datetime, entry: audit.AuditEntry) -> None:
        entries.append(entry)

    monkeypatch.setattr(audit, "append", append)
    return entries


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The task writer's row writes, applied to the row object (the statement itself is tested
    on real databases: tests/integration/test_write_now.py)."""
    writes: list[dict[str, Any]] = []

    def write_now(uow: Any, row: Any, values: dict[str, Any]) -> None:
        writes.append(dict(values))
        for key, value in values.items():
            setattr(row, key, value)

    monkeypatch.setattr(review_task, "write_now", write_now)
    return writes


def _pairs(lifecycle: Lifecycle) -> list[tuple[str, str]]:
    return [(s, t) for s in lifecycle.statuses for t in lifecycle.statuses]


def _check(
    lifecycle: Lifecycle,
    current: str,
    target: str,
    row: Any,
    attribute: str,
    write: Callable[[], None],
    audited: list[audit.AuditEntry],
) -> None:
    if target in lifecycle.moves[current]:
        write()
        assert getattr(row, attribute) == target
        assert len(audited) == 1
        return
    with pytest.raises(InvalidState) as refused:
        write()
    # Named by their labels, in Chinese (str) and in English, with the allowed moves.
    area, allowed = lifecycle.name, sorted(lifecycle.moves[current])
    zh, en = str(refused.value), refused.value.text("en")
    now_zh, to_zh = label(area, current), label(area, target)
    assert f"当前为“{now_zh}”，不能变为“{to_zh}”" in zh
    assert f"可变为：{'、'.join(label(area, s) for s in allowed) or '无'}）" in zh
    now_en, to_en = label(area, current, "en"), label(area, target, "en")
    assert f"is {now_en} and cannot become {to_en}" in en
    allowed_en = ", ".join(label(area, s, "en") for s in allowed) or "none"
    assert f"(allowed from {now_en}: {allowed_en})" in en
    assert not re.search(r"[A-Za-z]", zh)  # no code, no English word
    assert getattr(row, attribute) == current
    assert audited == []


def _task(status: str) -> ReviewTask:
    return ReviewTask(
        id=7, nomination_id=1, campaign_id=1, stage="qualification", department="working_team",
        role="team_reviewer", status=status, created_at=NOW, version=1,
    )  # fmt: skip


@pytest.mark.parametrize(("current", "target"), _pairs(review_task.LIFECYCLE))
def test_review_task_moves(
    current: str, target: str, audited: list[audit.AuditEntry], written: list[dict[str, Any]]
) -> None:
    task = _task(current)

    def write() -> None:
        review_task.move(
            FakeUow(),
            task,
            target,
            actor=Actor("王审核", "team_reviewer", "working_team"),
            now=NOW,
            trigger="t",  # type: ignore[arg-type]
        )

    _check(review_task.LIFECYCLE, current, target, task, "status", write, audited)
    assert len(written) == (1 if target in review_task.LIFECYCLE.moves[current] else 0)
    if audited:
        assert audited[0].payload == {
            "task_id": 7,
            "department": "working_team",
            "stage": "qualification",
        }
        assert (task.completed_at is not None) == (target in (TASK_DONE, TASK_CANCELLED))


def test_the_review_task_table_is_the_documented_one() -> None:
    moves = review_task.LIFECYCLE.moves
    assert moves[TASK_OPEN] == {TASK_CLAIMED, TASK_DONE, TASK_CANCELLED}
    assert moves[TASK_CLAIMED] == {TASK_OPEN, TASK_DONE, TASK_CANCELLED}
    assert moves[TASK_DONE] == moves[TASK_CANCELLED] == frozenset()


@pytest.mark.parametrize(("current", "target"), _pairs(objection.LIFECYCLE))
def test_objection_moves(current: str, target: str, audited: list[audit.AuditEntry]) -> None:
    row = Objection(
        id=3, nomination_id=1, source="letter", received_on=date(2026, 3, 3), content="c",
        status=current, created_at=NOW,
    )  # fmt: skip

    clerk = Actor("clerk", "unit_clerk", unit_code="nc", user_id=5)

    def write() -> None:
        # One writer per kind of move: the unit's answer, the engine's lapse, the team's decision.
        uow: Any = FakeUow()
        if target == "answered":
            objection.answer(uow, row, "属实", campaign_id=1, actor=clerk, now=NOW)
        elif target == "lapsed":
            finding = msg("audit.objection_finding_overdue")
            objection.lapse(uow, row, finding=finding, campaign_id=1, actor=clerk, now=NOW)
        else:
            objection.decide(uow, row, target, reason="属实", campaign_id=1, actor=clerk, now=NOW)

    _check(objection.LIFECYCLE, current, target, row, "status", write, audited)
    if audited and target == "answered":
        assert (audited[0].trigger, audited[0].reason) == ("objection_answered", "属实")
        assert (row.answer, row.answered_at, row.answered_by_user_id) == ("属实", NOW, 5)
    elif audited and target != "lapsed":
        assert (audited[0].trigger, audited[0].reason) == (f"objection_{target}", "属实")
        assert (row.decision_reason, row.resolved_at, row.decided_by) == ("属实", NOW, "clerk")


def test_the_objection_table_is_the_documented_one() -> None:
    moves = objection.LIFECYCLE.moves
    assert moves["open"] == {"answered", "lapsed"}
    assert moves["answered"] == {"upheld", "dismissed"}
    assert moves["upheld"] == moves["dismissed"] == moves["lapsed"] == frozenset()


@pytest.mark.parametrize(("current", "target"), _pairs(campaign_phase.LIFECYCLE))
def test_campaign_phase_moves(current: str, target: str, audited: list[audit.AuditEntry]) -> None:
    campaign = Campaign(id=1, code="jx", title="2026年劳动模范评选", phase=current)

    def write() -> None:
        campaign_phase.move(FakeUow(), campaign, target, actor=ADMIN, now=NOW)  # type: ignore[arg-type]

    _check(campaign_phase.LIFECYCLE, current, target, campaign, "phase", write, audited)
    if audited:
        assert audited[0].reason == f"{label('phase', current)} → {label('phase', target)}"
        moved = message_from_json(audited[0].payload[REASON_KEY])  # type: ignore[index]
        assert (
            moved.render("en")
            == f"{label('phase', current, 'en')} → {label('phase', target, 'en')}"
        )
        assert (campaign.decided_at == NOW) == (target == campaign_phase.DECIDED)


def test_campaign_phases_go_one_step_at_a_time_in_order() -> None:
    phases = campaign_phase.LIFECYCLE.statuses
    assert phases == ("launch", "recommendation", "inspection_notice", "decided", "closed")
    for index, phase in enumerate(phases):
        assert campaign_phase.LIFECYCLE.allowed(phase) == list(phases[index + 1 : index + 2])


@pytest.mark.parametrize("phase", campaign_phase.LIFECYCLE.statuses)
@pytest.mark.parametrize("action", sorted(campaign_phase.GATES))
def test_every_gate_refusal_names_the_phase(phase: str, action: str) -> None:
    campaign = Campaign(id=1, code="jx", title="2026年劳动模范评选", phase=phase)
    refused = campaign_phase.refusal(campaign, action)
    expected_open = {
        "submit": {"recommendation", "inspection_notice"},
        "import": {"launch", "recommendation", "inspection_notice"},
        "nominate": {"launch", "recommendation", "inspection_notice"},
        "set_quota": {"launch", "recommendation", "inspection_notice"},
        "amend_composition": {"launch", "recommendation"},
    }[action]
    if phase in expected_open:
        assert refused is None
        campaign_phase.require(campaign, action)
        return
    allowed_zh = "或".join(label("phase", p) for p in campaign_phase.GATES[action])
    said = f"“2026年劳动模范评选”处于“{label('phase', phase)}”阶段；{label('gate', action)}"
    assert refused is not None and refused.reason == f"{said}只能在{allowed_zh}阶段进行"
    assert refused.text("en").startswith(
        f"campaign phase: 2026年劳动模范评选 is in the {label('phase', phase, 'en')} phase; "
        f"{label('gate', action, 'en')} is allowed only in "
    )
    with pytest.raises(InvalidState) as raised:
        campaign_phase.require(campaign, action)
    assert str(raised.value) == refused.reason
    assert raised.value.text("en") == refused.message.render("en")


@pytest.mark.parametrize("current", deadline_lifecycle.LIFECYCLE.statuses)
def test_a_deadline_retry_moves_only_a_failed_row(
    current: str, audited: list[audit.AuditEntry]
) -> None:
    row = Deadline(id=5, campaign_id=1, kind="notice_end", due_at=NOW, status=current, attempts=5)

    def write() -> None:
        deadline_lifecycle.retry(FakeUow(row), 5, ADMIN, NOW)  # type: ignore[arg-type]

    _check(deadline_lifecycle.LIFECYCLE, current, "pending", row, "status", write, audited)
    if audited:
        assert (row.attempts, audited[0].trigger) == (0, "retry_deadline")


def test_the_deadline_table_is_the_documented_one() -> None:
    moves = deadline_lifecycle.LIFECYCLE.moves
    assert moves == {
        "pending": {"fired", "cancelled"},
        "fired": {"pending", "failed"},
        "failed": {"pending"},
        "cancelled": frozenset(),
    }
