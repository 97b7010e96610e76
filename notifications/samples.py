"""One realistic context per message kind: for validation, tests and the preview page."""

from __future__ import annotations

from typing import Any

_COMMON: dict[str, Any] = {
    "campaign": "2026年江西省劳动模范和先进工作者评选",
    "site_url": "http://127.0.0.1:8000",
}

_TASK: dict[str, Any] = {
    "task_id": 128,
    "stage": "多部门联审",
    "nominee": "张伟",
    "department": "省税务局",
    "due_at": "2026-03-16 17:00",
}

SAMPLE_CONTEXTS: dict[str, dict[str, Any]] = {
    "task_assigned": {**_COMMON, **_TASK},
    "reminder": {**_COMMON, **_TASK, "days_left": 2},
    "escalation": {
        **_COMMON,
        **_TASK,
        "overdue_days": 3,
        "assignee": "李娜",
        "count": 2,
        "reassigned": True,
    },
    "returned_for_material": {
        **_COMMON,
        "nominee": "王芳",
        "state": "qualification_returned",
        "reason": "缺少所在单位党组织意见及近五年个人所得税完税证明",
        "answer_by": "2026-03-20 17:00",
    },
    "objection_received": {
        **_COMMON,
        "nominee": "刘洋",
        "objection_id": 17,
        "received_on": "2026-04-08",
        "content": "反映该同志所在企业2024年度存在拖欠职工工资问题。",
        "answer_by": "2026-04-15 17:00",
    },
    "objection_outcome": {
        **_COMMON,
        "nominee": "刘洋",
        "objection_id": 17,
        "outcome": "dismissed",
        "finding": "经核查，相关工资已于2024年12月足额发放，反映问题不属实。",
    },
    "nomination_ended": {
        **_COMMON,
        "nominee": "陈静",
        "state": "vetoed",
        "reason": "税务部门联审意见：存在未结清的欠税记录",
    },
    "committee_result": {
        **_COMMON,
        "nominee": "赵磊",
        "state": "awarded",
        "reason": "经评选委员会全体会议审定",
    },
    "honour_revoked": {
        **_COMMON,
        "nominee": "孙强",
        "state": "revoked",
        "reason": "经核实，申报材料中的主要业绩存在弄虚作假",
    },
    "submission_closed": {
        **_COMMON,
        "closed_at": "2026-03-31 17:00",
        "submitted": 42,
    },
    "daily_digest": {
        **_COMMON,
        "reviewer": "省税务局",
        "tasks": [
            {
                "task_id": 128,
                "nominee": "张伟",
                "stage": "多部门联审",
                "due_at": "2026-03-16 17:00",
                "overdue": False,
            },
            {
                "task_id": 131,
                "nominee": "周敏",
                "stage": "多部门联审",
                "due_at": "2026-03-12 17:00",
                "overdue": True,
            },
        ],
    },
}
