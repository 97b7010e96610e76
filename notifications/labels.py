"""Human labels for nomination states and objection outcomes, per locale."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

STATE_LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "draft": "草稿",
        "qualification": "资格初审",
        "qualification_returned": "退回补充材料",
        "joint_review": "多部门联审",
        "inspection": "考察",
        "public_notice": "公示",
        "committee": "审定",
        "awarded": "授予",
        "not_approved": "未通过",
        "disqualified": "资格不符",
        "vetoed": "联审否决",
        "removed": "公示后取消",
        "withdrawn": "撤回/视为放弃",
        "revoked": "撤销称号",
    },
    "en": {
        "draft": "draft",
        "qualification": "qualification check",
        "qualification_returned": "returned for additional material",
        "joint_review": "joint departmental review",
        "inspection": "inspection",
        "public_notice": "public notice",
        "committee": "committee decision",
        "awarded": "awarded",
        "not_approved": "not approved",
        "disqualified": "not eligible",
        "vetoed": "vetoed in joint review",
        "removed": "removed after public notice",
        "withdrawn": "withdrawn / deemed abandoned",
        "revoked": "title revoked",
    },
}

OUTCOME_LABELS: dict[str, dict[str, str]] = {
    "zh-CN": {"upheld": "属实", "dismissed": "不属实"},
    "en": {"upheld": "substantiated", "dismissed": "not substantiated"},
}


def state_label_for(state: str, locale: str) -> str:
    """The label of a nomination state; an unknown state is shown as it is."""
    return STATE_LABELS.get(locale, {}).get(str(state), str(state))


def outcome_label_for(outcome: str, locale: str) -> str:
    """The label of an objection outcome; an unknown outcome is shown as it is."""
    return OUTCOME_LABELS.get(locale, {}).get(str(outcome), str(outcome))


def _locale_of(ctx: Context, locale: str | None) -> str:
    """The locale given to the filter, else the one the message is rendered in."""
    if locale:
        return locale
    bound = ctx.get("locale")
    return bound if isinstance(bound, str) else "zh-CN"


@pass_context
def state_label(ctx: Context, state: Any, locale: str | None = None) -> str:
    """Jinja filter: `{{ state | state_label }}` in the message's locale, or a given one."""
    return state_label_for(str(state), _locale_of(ctx, locale))


@pass_context
def outcome_label(ctx: Context, outcome: Any, locale: str | None = None) -> str:
    """Jinja filter: `{{ outcome | outcome_label }}` in the message's locale, or a given one."""
    return outcome_label_for(str(outcome), _locale_of(ctx, locale))


FILTERS = {"state_label": state_label, "outcome_label": outcome_label}
