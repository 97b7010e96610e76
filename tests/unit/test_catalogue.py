"""The message catalogue: both locales complete and alike, Chinese free of English, lookups."""

from __future__ import annotations

import re

import pytest

from config import catalogue
from config.catalogue import Message, msg, text

PLACEHOLDER = re.compile(r"{(\w+)[^{}]*}")
# Proper tokens a Chinese text may contain: formats, standards, commands and grades.
ALLOWED_LATIN = re.compile(
    r"honorflow campaign quota|Ctrl\+C|XLSX|CSV|YAML|UTF-8|API|ID|URL|PDF|PNG|\.csv|\.xlsx"
    r"|(?<![A-Za-z])[A-D](?![A-Za-z])"
)


def test_every_msgid_is_in_both_locales() -> None:
    zh, en = catalogue.messages("zh-CN"), catalogue.messages("en")
    assert set(zh) == set(en)
    assert len(zh) > 250


def duplicated_msgids(po_text: str) -> list[str]:
    """msgids defined more than once in one file (a reader would silently keep one)."""
    ids = re.findall(r'^msgid "(.+)"$', po_text, flags=re.MULTILINE)
    return sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_no_msgid_is_defined_twice(locale: str) -> None:
    assert duplicated_msgids(catalogue.po_path(locale).read_text(encoding="utf-8")) == []


def test_a_duplicated_msgid_is_caught() -> None:
    po = 'msgid "a"\nmsgstr "1"\n\nmsgid "b"\nmsgstr "2"\n\nmsgid "a"\nmsgstr "3"\n'
    assert duplicated_msgids(po) == ["a"]


def test_both_locales_use_the_same_placeholders() -> None:
    zh, en = catalogue.messages("zh-CN"), catalogue.messages("en")
    differ = [k for k in zh if set(PLACEHOLDER.findall(zh[k])) != set(PLACEHOLDER.findall(en[k]))]
    assert not differ


def test_msgids_are_symbolic() -> None:
    bad = [k for k in catalogue.messages("zh-CN") if not re.fullmatch(r"[a-z_]+(\.\w+)+", k)]
    assert not bad


def test_chinese_texts_hold_no_english_words() -> None:
    found = {}
    for key, value in catalogue.messages("zh-CN").items():
        rest = ALLOWED_LATIN.sub("", PLACEHOLDER.sub("", value))
        if re.search(r"[A-Za-z]", rest):
            found[key] = value
    assert not found


def test_the_allow_list_does_not_hide_english() -> None:
    rest = ALLOWED_LATIN.sub("", PLACEHOLDER.sub("", "上传 YAML 文件 {n} is below"))
    assert re.search(r"[A-Za-z]", rest)


def test_text_fills_figures_with_format_specs() -> None:
    assert text("page.working_days", "zh-CN", n=5) == "5个工作日"
    assert text("page.working_days", "en", n=5) == "5 working days"
    assert text("page.votes_of", "en", votes_for=3, votes_total=5) == "3 of 5"


def test_figures_that_are_messages_or_lists_are_rendered_in_the_same_locale() -> None:
    state = msg("state.qualification")
    assert msg("page.user_created", username=state).render("zh-CN") == "已创建用户 资格初审。"
    assert msg("page.user_created", username=state).render("en") == (
        "User qualification check created."
    )
    roles = [msg("role.admin"), msg("role.unit_clerk")]
    assert (
        text("page.user_created", "zh-CN", username=roles) == "已创建用户 管理员、推荐单位经办人。"
    )
    assert text("page.user_created", "en", username=roles) == (
        "User administrator, unit clerk created."
    )


def test_unknown_codes_and_missing_figures_never_fail() -> None:
    assert text("no.such.code", "en") == "no.such.code"
    assert text("page.working_days", "en") == "{n} working days"
    assert text("page.working_days", "fr", n=2) == "2个工作日"  # unknown locale: Chinese
    assert str(Message("page.login")) == "登录"
    assert catalogue.render("already text", "en") == "already text"


def test_labels_of_codes() -> None:
    assert catalogue.label("state", "qualification", "zh-CN") == "资格初审"
    assert catalogue.label("role", "department_reviewer", "en") == "department reviewer"
    assert catalogue.label("vocab.category", "gig_worker", "zh-CN") == "新就业形态劳动者"
    assert catalogue.label("state", "my_own_stage", "zh-CN") == "my_own_stage"
    assert catalogue.label("state", None, "en") == "-"


def test_messages_compare_by_code_and_figures() -> None:
    assert msg("rule.x", n=1) == Message("rule.x", {"n": 1})
    assert msg("rule.x", n=1) != msg("rule.x", n=2)
    assert len({msg("rule.x", n=1), msg("rule.x", n=1)}) == 1


@pytest.mark.parametrize(
    ("tag", "locale"),
    [("zh", "zh-CN"), ("zh_CN", "zh-CN"), ("zh-Hans-CN", "zh-CN"), ("EN-gb", "en"), ("en", "en"),
     ("fr", None), ("", None), (None, None)],
)  # fmt: skip
def test_normalise(tag: str | None, locale: str | None) -> None:
    assert catalogue.normalise(tag) == locale


@pytest.mark.parametrize(
    ("header", "locale"),
    [("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"),
     ("fr-FR, en;q=0.5, zh;q=0.4", "en"), ("zh;q=0.2, en;q=0.8", "en"), ("en;q=0, zh", "zh-CN"),
     ("fr", None), ("", None), ("en;q=abc", None)],
)  # fmt: skip
def test_accept_language(header: str, locale: str | None) -> None:
    assert catalogue.accept_language(header) == locale


def test_request_locale_prefers_the_query_then_the_remembered_choice_then_the_header() -> None:
    assert catalogue.locale_for_request("en", "zh-CN") == "en"
    assert catalogue.locale_for_request(None, "en-US") == "en"
    assert catalogue.locale_for_request("xx", "en-US", "zh-CN") == "zh-CN"
    assert catalogue.locale_for_request(None, None) == "zh-CN"


def test_cli_locale_comes_from_honorflow_locale() -> None:
    assert catalogue.cli_locale({}) == "zh-CN"
    assert catalogue.cli_locale({"HONORFLOW_LOCALE": "en_US.UTF-8"}) == "en"
    assert catalogue.cli_locale({"HONORFLOW_LOCALE": "de"}) == "zh-CN"
