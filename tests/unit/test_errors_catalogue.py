"""Errors carry codes and figures; their words come from the catalogue in the caller's locale."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from config.catalogue import Label, msg
from workflow.errors import (
    GuardFailed,
    HonorflowError,
    ImportFailed,
    InvalidState,
    RowError,
    RuleFailure,
    TransitionNotAllowed,
)

SHORT = RuleFailure(
    "unit_notice",
    msg(
        "rule.unit_notice.too_short",
        start=date(2025, 9, 28),
        end=date(2025, 10, 2),
        days=3,
        minimum=5,
    ),
)


def test_a_rule_failure_is_a_code_and_figures() -> None:
    assert SHORT.code == "rule.unit_notice.too_short"
    assert (SHORT.params["days"], SHORT.params["minimum"]) == (3, 5)
    # Dates as Chinese official writing has them, ISO in English.
    assert SHORT.reason == "单位公示2025年9月28日至2025年10月2日共3个工作日，少于规定的5个工作日"
    assert str(SHORT).startswith("单位公示：单位公示")
    assert SHORT.text("en").startswith("unit-level notice: unit-level notice ")
    assert "2025-09-28 to 2025-10-02 spans 3 working day(s); at least 5 are required" in SHORT.text(
        "en"
    )
    with pytest.raises(FrozenInstanceError):
        SHORT.rule = "x"  # type: ignore[misc]


def test_a_plain_string_reason_is_shown_as_it_is() -> None:
    plain = RuleFailure("quota", "unit nc holds no places in this campaign")
    assert plain.code == "text.plain"
    assert plain.reason == "unit nc holds no places in this campaign"
    assert str(plain) == "名额：unit nc holds no places in this campaign"
    assert plain.text("en") == "quota: unit nc holds no places in this campaign"
    assert plain == RuleFailure("quota", "unit nc holds no places in this campaign")


def test_guard_failed_names_the_trigger_and_every_rule_by_label() -> None:
    other = RuleFailure("retired", msg("rule.retired.failed"))
    error = GuardFailed("submit", [SHORT, other])
    assert error.message is not None and error.message.code == "error.guard_failed"
    assert str(error).startswith("“报送”未通过：单位公示：")
    assert str(error).endswith("；退休人员：被推荐人已退休，且未登记退休例外情形")
    assert error.text("en").startswith("'submit' refused: unit-level notice: ")
    assert error.text("en").endswith(
        "; retired: nominee is retired and no retirement exception is recorded"
    )


def test_transition_not_allowed_lists_the_allowed_triggers_by_label() -> None:
    error = TransitionNotAllowed("joint_review_returned", "approve", ["withdraw", "resubmit"])
    assert error.allowed == ["resubmit", "withdraw"]
    assert error.message is not None
    assert error.message.params["state"] == Label("state", "joint_review_returned")
    assert str(error) == "当前状态“多部门联审（退回）”下不能执行“审定通过”；可执行：重新报送、撤回"
    assert error.text("en") == (
        "trigger 'approve' is not allowed in state 'joint departmental review (returned)'; "
        "allowed: resubmit, withdraw"
    )
    assert TransitionNotAllowed("awarded", "pass", []).text("en").endswith("allowed: none")


def test_import_failed_lists_every_row_in_the_locale() -> None:
    rows = [
        RowError(
            "form.csv", 3, "gender", msg("import.not_a_code", value="X", choices=["男", "女"])
        ),
        RowError("form.csv", 4, "votes_for", msg("import.blank")),
        RowError("form.csv", 5, "salary", "an unconverted reason"),
    ]
    error = ImportFailed(rows)
    assert str(error).splitlines() == [
        "导入被拒绝：共3处错误，未导入任何记录",
        "form.csv:3: 性别: “X”不是可接受的值，应为男、女",
        "form.csv:4: 赞成票: 不能为空",
        "form.csv:5: salary: an unconverted reason",
    ]
    assert error.text("en").splitlines()[:3] == [
        "import refused, 3 error(s); nothing was imported",
        "form.csv:3: gender: 'X' is not one of: 男, 女",
        "form.csv:4: votes for: must not be blank",
    ]
    assert rows[1].code == "import.blank" and rows[2].code == "text.plain"


def test_an_error_raised_with_plain_text_keeps_it_and_one_with_a_message_renders_it() -> None:
    plain = InvalidState("campaign jx is already decided")
    assert plain.message is None
    assert str(plain) == plain.text("en") == "campaign jx is already decided"
    coded = InvalidState(msg("page.not_under_notice"))
    assert str(coded) == "该人选不在公示期内。"
    assert coded.text("en") == "That nominee is not under public notice."
    keyword = HonorflowError("fallback", message=msg("page.login_failed"))
    assert keyword.text("en") == "Unknown user or wrong password."
