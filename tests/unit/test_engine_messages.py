"""The engine's refusals, errors, audit reasons and sweep outcomes are codes and figures.

Each guard and writer is run on fakes (no database): its refusal is checked in Chinese,
with its figures, and in English; an audit reason the engine writes rebuilds from the
event's payload and renders in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from config.catalogue import Label, Listing, Message, msg
from config.message_json import REASON_KEY, message_from_json, message_to_json, reason_fields
from models import AuditEvent, Campaign, Deadline
from models.reviews import TASK_DONE
from workflow import guards
from workflow.errors import InvalidState, NotFound, RuleFailure
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.messages import beijing
from workflow.queries.audit import reason_text
from workflow.rules import quota as quota_rules
from workflow.services import committee
from workflow.services import deadlines as sweep_service
from workflow.stages import committee_decision, joint_review, public_notice, tasks, team_review
from workflow.states import TransitionResult

# 2026-03-02 09:30 in Beijing; 2026-03-06 16:00Z is the midnight that ends 6 March there.
NOW = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
DAY_END = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)


def _en(failure: RuleFailure) -> str:
    return failure.text("en")


class _Rows:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def unique(self) -> _Rows:
        return self

    def all(self) -> list[Any]:
        return self.rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


@dataclass
class FakeSession:
    """Answers `scalar` and `scalars` from queues, in the order the code asks."""

    scalar_answers: list[Any] = field(default_factory=list)
    scalars_answers: list[list[Any]] = field(default_factory=list)

    def scalar(self, query: Any) -> Any:
        return self.scalar_answers.pop(0)

    def scalars(self, query: Any) -> _Rows:
        return _Rows(self.scalars_answers.pop(0))

    @contextmanager
    def begin_nested(self) -> Iterator[None]:
        yield


@dataclass
class FakeUow:
    session: FakeSession
    dialect: str = "sqlite"


def _step(session: FakeSession, **nomination: Any) -> Any:
    row = SimpleNamespace(id=1, campaign_id=1, unit_id=1, status="public_notice", **nomination)
    definition = SimpleNamespace(
        stage=lambda _: SimpleNamespace(
            duration_days=5, completion=SimpleNamespace(rule="all_clear", quorum=None)
        )
    )
    return SimpleNamespace(uow=FakeUow(session), nomination=row, definition=definition, now=NOW)


# --- times -----------------------------------------------------------------------------


def test_times_are_beijing_time_as_offices_write_them() -> None:
    assert beijing(DAY_END).render() == "2026年3月6日24时（北京时间）"
    assert beijing(DAY_END).render("en") == "end of 2026-03-06 (Beijing time)"
    assert beijing(NOW).render() == "2026年3月2日9时30分（北京时间）"
    assert beijing(NOW).render("en") == "2026-03-02 09:30 Beijing time"
    five = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert beijing(five).render() == "2026年3月2日17时（北京时间）"
    assert beijing(five).render("en") == "2026-03-02 17:00 Beijing time"


# --- guards ----------------------------------------------------------------------------


def test_the_submission_deadline_refusal_names_the_closing_time_in_beijing_time() -> None:
    campaign = Campaign(
        id=1, code="jx", title="2026年劳动模范评选", phase="recommendation",
        submission_deadline=datetime(2026, 3, 1, 16, 0, tzinfo=UTC),
    )  # fmt: skip
    step = SimpleNamespace(nomination=SimpleNamespace(campaign=campaign), now=NOW)
    [failure] = guards.submission_open(step)  # type: ignore[arg-type]
    assert failure.code == "rule.submission_deadline.closed"
    assert str(failure) == "报送截止时间：报送已于2026年3月1日24时（北京时间）截止"
    assert _en(failure) == (
        "submission deadline: submission closed at end of 2026-03-01 (Beijing time)"
    )


def test_the_phase_gate_names_the_phase_and_the_action_by_their_labels() -> None:
    campaign = Campaign(id=1, code="jx", title="2026年劳动模范评选", phase="launch")
    step = SimpleNamespace(nomination=SimpleNamespace(campaign=campaign), now=NOW)
    [failure] = guards.submission_open(step)  # type: ignore[arg-type]
    assert str(failure) == (
        "评选阶段：“2026年劳动模范评选”处于“部署启动”阶段；报送只能在推荐评审或考察公示阶段进行"
    )
    assert _en(failure) == (
        "campaign phase: 2026年劳动模范评选 is in the launch phase; submission is allowed only"
        " in recommendation and review or inspection and notice"
    )


def _allocation(places: int, category: str | None = None) -> Any:
    return SimpleNamespace(places=places, category=category)


def test_the_quota_refusal_names_the_unit_its_places_and_those_used() -> None:
    session = FakeSession(scalar_answers=[3], scalars_answers=[[_allocation(3)]])
    unit = SimpleNamespace(name="南昌市总工会")
    step = _step(session, rank="main", category="front_line_worker", unit=unit)
    [failure] = quota_rules.quota(step)
    assert (failure.rule, failure.params["places"], failure.params["used"]) == ("quota", 3, 3)
    assert str(failure) == "名额：南昌市总工会共有3个名额，已报送3名"
    assert _en(failure) == "quota: 南昌市总工会 has 3 place(s) and 3 already submitted"


def test_the_quota_refusal_names_a_category_by_its_label() -> None:
    rows = [_allocation(2), _allocation(1, "enterprise_head")]
    session = FakeSession(scalar_answers=[1], scalars_answers=[rows])
    step = _step(
        session, rank="main", category="enterprise_head", unit=SimpleNamespace(name="南昌市总工会")
    )
    [failure] = quota_rules.quota(step)
    assert str(failure) == "名额：南昌市总工会的企业负责人名额共1个，已报送1名"
    assert _en(failure) == (
        "quota: 南昌市总工会 has 1 place(s) for enterprise head and 1 already submitted"
    )


def test_a_unit_without_places_is_told_so() -> None:
    session = FakeSession(scalars_answers=[[]])
    step = _step(session, rank="main", category="farmer", unit=SimpleNamespace(name="赣州市总工会"))
    [failure] = quota_rules.quota(step)
    assert str(failure) == "名额：赣州市总工会在本次评选中没有名额"
    assert _en(failure) == "quota: 赣州市总工会 holds no places in this campaign"


def test_the_joint_review_refusal_counts_the_departments() -> None:
    done = SimpleNamespace(status=TASK_DONE, outcome="clear")
    waiting = SimpleNamespace(status="open", outcome=None)
    step = _step(FakeSession(scalars_answers=[[done, waiting, waiting]]))
    [failure] = joint_review.joint_review_cleared(step)
    assert str(failure) == "多部门联审：3个联审部门中1个同意，须全部同意"
    assert _en(failure) == "joint review: 1 of 3 departments cleared; all must clear"
    step = _step(FakeSession(scalars_answers=[[done, waiting]]))
    step.definition = SimpleNamespace(
        stage=lambda _: SimpleNamespace(completion=SimpleNamespace(rule="quorum", quorum=2))
    )
    [failure] = joint_review.joint_review_cleared(step)
    assert str(failure) == "多部门联审：1个部门同意，未达到规定的2个"
    assert _en(failure) == "joint review: 1 department(s) cleared, below the quorum of 2"


def test_the_notice_refusals_name_the_open_objections_and_the_end_of_the_notice() -> None:
    [failure] = public_notice.no_open_objection(_step(FakeSession(scalar_answers=[2])))
    assert str(failure) == "公示异议：尚有2件异议正在核查"
    assert _en(failure) == "objections: 2 objection(s) still under investigation"
    [failure] = public_notice.notice_period_over(_step(FakeSession(scalar_answers=[DAY_END])))
    assert str(failure) == "公示期：5个工作日的公示期至2026年3月6日24时（北京时间）结束"
    assert _en(failure) == (
        "notice period: the 5-working-day notice runs until end of 2026-03-06 (Beijing time)"
    )


def test_an_alternate_cannot_be_awarded() -> None:
    step = _step(FakeSession(), rank="alternate")
    [failure] = committee_decision.is_main_nomination(step)
    assert str(failure) == "后备人选：后备人选递补为正式人选前不能授予"
    assert _en(failure).endswith(": an alternate cannot be awarded before it steps up")


# --- errors ----------------------------------------------------------------------------


def test_committee_and_deadline_errors_are_messages() -> None:
    with pytest.raises(InvalidState) as raised:
        committee.revoke(None, 1, "  ", None, NOW)  # type: ignore[arg-type]
    assert str(raised.value) == "撤销称号须说明理由"
    assert raised.value.text("en") == "a reason is required to revoke an honour"
    uow = FakeUow(FakeSession())
    uow.session.get = lambda model, ident: None  # type: ignore[attr-defined]
    with pytest.raises(NotFound) as missing:
        deadline_lifecycle.retry(uow, 12, "admin", NOW)  # type: ignore[arg-type]
    assert str(missing.value) == "期限#12不存在"
    assert missing.value.text("en") == "deadline #12 does not exist"


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
    task = SimpleNamespace(status=TASK_DONE)
    session = FakeSession()
    session.execute = lambda q: SimpleNamespace(one_or_none=lambda: (task, None))  # type: ignore[attr-defined]
    outcome = tasks.remind(FakeUow(session), _deadline("reminder:2"), NOW, FakeApply())  # type: ignore[arg-type]
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
