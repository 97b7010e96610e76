"""The password policy: 12 characters, not digits only, not the person's names, and a
zxcvbn score of 3 or more, its reason shown in catalogue words."""

from __future__ import annotations

import pytest

from config.catalogue import render
from workflow.password_policy import MIN_SCORE, password_problems


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("1qaz2wsx3edc", "common"),
        ("asdfghjkl;'zx", "keyboard"),
        ("aaaaaaaaaaaaaa", "repeat"),
        ("abcdefghijklmn", "sequence"),
        ("Password123456!", "common"),
        ("laodongmofan1", "personal"),
    ],
)
def test_a_guessable_password_is_refused_with_its_reason(password: str, reason: str) -> None:
    (problem,) = password_problems(password, "zhangsan", "张三")
    assert problem.code == "user_problem.password_weak"
    assert problem.params["reason"].code == f"user_problem.password_reason.{reason}"
    assert problem.params["needed"] == MIN_SCORE and problem.params["score"] < MIN_SCORE
    text = render(problem, "zh-CN")
    assert "密码太容易被猜中" in text and "至少需要3分" in text
    assert not any(word in text for word in ("This", "common", "guess"))


def test_length_digits_and_names_are_checked_before_the_estimator() -> None:
    assert [m.code for m in password_problems("12345678")] == [
        "user_problem.password_short",
        "user_problem.password_digits",
    ]
    assert [m.code for m in password_problems("zhangsan-2026-pw", "zhangsan")] == [
        "user_problem.password_personal"
    ]
    assert [m.code for m in password_problems("Lantern-Wang-Xiao-9", "u", "wang xiao")] == []
    assert [m.code for m in password_problems("orchard-张三丰-basalt", "u", "张三丰")] == [
        "user_problem.password_personal"
    ]


@pytest.mark.parametrize(
    "password",
    [
        "lantern-orchard-basalt",
        "correct horse battery",
        "Tr0ub4dor&3xyz",
        "x" * 4 + "-" + "río-ñandú-7731" * 8,
    ],
)
def test_strong_passwords_pass(password: str) -> None:
    assert password_problems(password, "admin", "管理员") == []


def test_the_estimator_reads_only_the_first_72_characters() -> None:
    # zxcvbn refuses longer input; a long password is judged by its head, not refused by it.
    assert password_problems("lantern-orchard-basalt-" * 10) == []
