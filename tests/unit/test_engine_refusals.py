"""Engine refusals speak the catalogue: each guard's and rule's message with its figures, in
Chinese and English (times in Beijing time as offices write them)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from models import Campaign
from models.reviews import TASK_DONE

# 2026-03-02 09:30 in Beijing; 2026-03-06 16:00Z is the midnight that ends 6 March there.
from tests.unit.engine_fakes import DAY_END, NOW, FakeSession, FakeUow, fake_step
from workflow import guards
from workflow.actors import Actor
from workflow.errors import InvalidState, NotFound, RuleFailure
from workflow.lifecycles import deadline as deadline_lifecycle
from workflow.messages import beijing
from workflow.rules import quota as quota_rules
from workflow.services import committee
from workflow.stages import committee_decision, joint_review, public_notice


def _en(failure: RuleFailure) -> str:
    return failure.text("en")


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
    step = fake_step(session, rank="main", category="front_line_worker", unit=unit)
    [failure] = quota_rules.quota(step)
    assert (failure.rule, failure.params["places"], failure.params["used"]) == ("quota", 3, 3)
    assert str(failure) == "名额：南昌市总工会共有3个名额，已报送3名"
    assert _en(failure) == "quota: 南昌市总工会 has 3 place(s) and 3 already submitted"


def test_the_quota_refusal_names_a_category_by_its_label() -> None:
    rows = [_allocation(2), _allocation(1, "enterprise_head")]
    session = FakeSession(scalar_answers=[1], scalars_answers=[rows])
    step = fake_step(
        session, rank="main", category="enterprise_head", unit=SimpleNamespace(name="南昌市总工会")
    )
    [failure] = quota_rules.quota(step)
    assert str(failure) == "名额：南昌市总工会的企业负责人名额共1个，已报送1名"
    assert _en(failure) == (
        "quota: 南昌市总工会 has 1 place(s) for enterprise head and 1 already submitted"
    )


def test_a_unit_without_places_is_told_so() -> None:
    session = FakeSession(scalars_answers=[[]])
    step = fake_step(
        session, rank="main", category="farmer", unit=SimpleNamespace(name="赣州市总工会")
    )
    [failure] = quota_rules.quota(step)
    assert str(failure) == "名额：赣州市总工会在本次评选中没有名额"
    assert _en(failure) == "quota: 赣州市总工会 holds no places in this campaign"


def test_the_joint_review_refusal_counts_the_departments() -> None:
    done, waiting = (TASK_DONE, "clear"), ("open", None)  # (status, outcome) of each task
    step = fake_step(FakeSession(execute_answers=[[done, waiting, waiting]]))
    [failure] = joint_review.joint_review_cleared(step)
    assert str(failure) == "多部门联审：3个联审部门中1个同意，须全部同意"
    assert _en(failure) == "joint review: 1 of 3 departments cleared; all must clear"
    step = fake_step(FakeSession(execute_answers=[[done, waiting]]))
    step.definition = SimpleNamespace(
        stage=lambda stage_id: SimpleNamespace(
            id=stage_id, completion=SimpleNamespace(rule="quorum", quorum=2)
        )
    )
    [failure] = joint_review.joint_review_cleared(step)
    assert str(failure) == "多部门联审：1个部门同意，未达到规定的2个"
    assert _en(failure) == "joint review: 1 department(s) cleared, below the quorum of 2"


def test_the_notice_refusals_name_the_open_objections_and_the_end_of_the_notice() -> None:
    [failure] = public_notice.no_open_objection(fake_step(FakeSession(scalar_answers=[2])))
    assert str(failure) == "公示异议：尚有2件异议正在核查"
    assert _en(failure) == "objections: 2 objection(s) still under investigation"
    [failure] = public_notice.notice_period_over(fake_step(FakeSession(scalar_answers=[DAY_END])))
    assert str(failure) == "公示期：5个工作日的公示期至2026年3月6日24时（北京时间）结束"
    assert _en(failure) == (
        "notice period: the 5-working-day notice runs until end of 2026-03-06 (Beijing time)"
    )


def test_an_alternate_cannot_be_awarded() -> None:
    step = fake_step(FakeSession(), rank="alternate")
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
        deadline_lifecycle.retry(uow, 12, Actor("admin", "admin"), NOW)  # type: ignore[arg-type]
    assert str(missing.value) == "期限#12不存在"
    assert missing.value.text("en") == "deadline #12 does not exist"
