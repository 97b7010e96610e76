"""The engine's refusals, errors, audit reasons and sweep outcomes are codes and figures.

Each guard and writer is run on fakes (no database): its refusal is checked in Chinese,
with its figures, and in English; an audit reason the engine writes rebuilds from the
event's payload and renders in English.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from config.catalogue import Label, Listing, Message, msg
from config.message_json import REASON_KEY, message_from_json, message_to_json, reason_fields
from models import AuditEvent, Deadline, Nomination, ReviewTask
from models.reviews import TASK_DONE

# 2026-03-02 09:30 in Beijing; 2026-03-06 16:00Z is the midnight that ends 6 March there.
from tests.unit.engine_fakes import DAY_END, NOW, FakeSession, FakeUow
from workflow.errors import InvalidState
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.messages import beijing
from workflow.queries.audit import reason_text
from workflow.services import deadlines as sweep_service
from workflow.stages import public_notice, tasks, team_review
from workflow.states import TransitionResult

# --- sweep outcomes and the reasons automatic changes give -----------------------------


def _deadline(kind: str = "notice_end", stage: str = "public_notice") -> Deadline:
    return Deadline(id=12, campaign_id=1, nomination_id=1, kind=kind, stage=stage, due_at=DAY_END)


@pytest.fixture
def nomination(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    row = SimpleNamespace(id=1, status="public_notice", campaign_id=1)
    monkeypatch.setattr(public_notice, "lock_nomination", lambda uow, nid: row)
    monkeypatch.setattr(team_review, "lock_nomination", lambda uow, nid: row)
    return row


class FakeApply:
    """Records what the engine would fire, and the reason it gives."""

    def __init__(self) -> None:
        self.reasons: list[Message | str | None] = []

    def __call__(self, uow: Any, n: Any, trigger: str, actor: Any, now: datetime, **kw: Any) -> Any:
        self.reasons.append(kw.get("reason"))
        return TransitionResult(n.id, trigger, n.status, "committee", 2, 9)


def test_the_end_of_a_notice_says_what_it_did(nomination: SimpleNamespace) -> None:
    apply = FakeApply()
    uow = FakeUow(FakeSession(scalar_answers=[1, 0]))
    waiting = public_notice.end_notice(uow, _deadline(), NOW, apply)  # type: ignore[arg-type]
    assert waiting.render() == "等待中：尚有1件异议正在核查"
    assert waiting.render("en") == "waiting: 1 objection(s) under investigation"
    closed = public_notice.end_notice(uow, _deadline(), NOW, apply)  # type: ignore[arg-type]
    assert closed.render() == "公示结束，转入“审定”"
    assert closed.render("en") == "notice closed; now committee decision"
    [reason] = apply.reasons
    assert isinstance(reason, Message)
    assert reason.render() == "期限#12（公示期满，2026年3月6日24时（北京时间）到期）"
    assert (
        reason.render("en") == "deadline #12 (end of notice, due end of 2026-03-06 (Beijing time))"
    )
    nomination.status = "withdrawn"
    skipped = public_notice.end_notice(uow, _deadline(), NOW, apply)  # type: ignore[arg-type]
    assert skipped.render() == "已跳过：推荐人选已处于“撤回/视为放弃”"
    assert skipped.render("en").startswith("skipped: the nomination is ")


def test_an_unanswered_return_withdraws_with_a_reason(nomination: SimpleNamespace) -> None:
    nomination.status = "qualification_returned"
    apply = FakeApply()
    deadline = _deadline("material_due", "qualification_returned")
    outcome = team_review.lapse_material(FakeUow(FakeSession()), deadline, NOW, apply)  # type: ignore[arg-type]
    assert outcome.render() == "已视为放弃：逾期未补充材料"
    assert outcome.render("en") == "withdrawn: material not supplied"
    [reason] = apply.reasons
    assert isinstance(reason, Message)
    assert reason.render().startswith("逾期未补充材料，视为自动放弃——期限#12（补充材料期限，")


def test_a_finished_task_is_skipped_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    task = SimpleNamespace(status=TASK_DONE, nomination_id=1)
    session = FakeSession()
    nomination = SimpleNamespace(id=1)
    rows = {ReviewTask: task, Nomination: nomination}
    session.get = lambda model, ident: rows[model]  # type: ignore[attr-defined]
    deadline = _deadline("reminder:2")
    deadline.task_id = 5
    outcome = tasks.remind(FakeUow(session), deadline, NOW, FakeApply())  # type: ignore[arg-type]
    assert outcome.render() == "已跳过：任务已完成"
    assert outcome.render("en") == "skipped: the task is done"


def test_the_sweep_stores_outcomes_as_chinese_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(uow: Any, row: Any, now: datetime) -> Message:
        raise InvalidState(msg("error.revoke_needs_reason"))

    monkeypatch.setattr(sweep_service, "action_for", lambda kind: refused)
    result = sweep_service.SweepResult()
    row = _deadline()
    done = sweep_service._fire(FakeUow(FakeSession()), row, NOW, result)  # type: ignore[arg-type]
    assert done == (12, "已跳过：撤销称号须说明理由")
    monkeypatch.setattr(
        sweep_service,
        "action_for",
        lambda kind: lambda u, r, n: msg("sweep.submission_closed", count=4),
    )
    done = sweep_service._fire(FakeUow(FakeSession()), row, NOW, result)  # type: ignore[arg-type]
    assert done == (12, "报送截止，共报送4名")
    assert not re.search(r"[A-Za-z]", done[1] or "")


# --- audit payloads --------------------------------------------------------------------


def test_a_message_survives_json_with_every_kind_of_figure() -> None:
    import json

    original = msg(
        "audit.deadline",
        id=12,
        kind=Label("deadline_kind", "notice_end"),
        due=beijing(DAY_END),
        extra=[Label("state", "committee"), date(2026, 3, 6)],
        listing=Listing((1, "二"), "or"),
        when=NOW,
        ok=True,
        none=None,
    )
    stored = json.loads(json.dumps(message_to_json(original)))
    rebuilt = message_from_json(stored)
    assert rebuilt.code == original.code
    assert rebuilt.params["kind"] == Label("deadline_kind", "notice_end")
    assert rebuilt.params["due"] == beijing(DAY_END)
    assert rebuilt.params["extra"] == Listing((Label("state", "committee"), date(2026, 3, 6)))
    assert rebuilt.params["listing"] == Listing((1, "二"), "or")
    assert (rebuilt.params["when"], rebuilt.params["ok"], rebuilt.params["none"]) == (
        NOW,
        True,
        None,
    )
    assert rebuilt.render("en") == original.render("en")
    assert rebuilt.render() == original.render()


def test_an_engine_audit_reason_keeps_its_chinese_and_renders_in_english() -> None:
    reason = msg(
        "audit.material_lapsed",
        deadline=msg(
            "audit.deadline",
            id=4,
            kind=Label("deadline_kind", "material_due"),
            due=beijing(DAY_END),
        ),
    )
    text, payload = reason_fields(reason, {"task_id": 3})
    assert (
        text
        == "逾期未补充材料，视为自动放弃——期限#4（补充材料期限，2026年3月6日24时（北京时间）到期）"
    )
    assert payload is not None and payload["task_id"] == 3
    event = AuditEvent(reason=text, payload=payload)
    assert reason_text(event) == text
    assert reason_text(event, "en") == (
        "material not supplied in time, counted as withdrawn: "
        "deadline #4 (material due, due end of 2026-03-06 (Beijing time))"
    )
    # A person's words are kept as they were written, in every locale.
    said, kept = reason_fields("缺少推荐表", None)
    assert (said, kept) == ("缺少推荐表", None)
    assert reason_text(AuditEvent(reason="缺少推荐表", payload={}), "en") == "缺少推荐表"
    assert REASON_KEY == "reason_message"


# --- every code the engine shows has a label --------------------------------------------


def test_every_status_gate_and_deadline_kind_has_a_label_in_both_languages() -> None:
    from config import catalogue
    from workflow.deadline_actions import ACTIONS
    from workflow.lifecycles import campaign_phase, objection, review_task

    lifecycles = (review_task, objection, deadline_lifecycle, campaign_phase)
    wanted = [f"lifecycle.{m.LIFECYCLE.name}" for m in lifecycles]
    wanted += [f"{m.LIFECYCLE.name}.{s}" for m in lifecycles for s in m.LIFECYCLE.statuses]
    wanted += [f"gate.{action}" for action in campaign_phase.GATES]
    wanted += [f"deadline_kind.{kind}" for kind in ACTIONS]
    for locale in catalogue.LOCALES:
        assert [code for code in wanted if code not in catalogue.messages(locale)] == []


def test_a_legacy_reference_is_read_as_an_id() -> None:
    from workflow.lifecycles import review_task

    with pytest.raises(InvalidState) as refused:
        review_task.LIFECYCLE.check("task 12", TASK_DONE, "open")
    assert str(refused.value) == "评审任务#12当前为“已完成”，不能变为“待认领”（“已完成”可变为：无）"
    assert refused.value.text("en") == (
        "review task #12 is done and cannot become open (allowed from done: none)"
    )
