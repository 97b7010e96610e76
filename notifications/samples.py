"""One realistic context per message kind: for validating overrides, tests and previews.

The samples are instances of the kinds' typed contexts (`notifications/contexts.py`), so an
override that renders with its sample uses only what every real message of the kind has.
"""

from __future__ import annotations

from typing import Any

from notifications.contexts import (
    AuditAnchored,
    CommitteeResult,
    DailyDigest,
    DigestTask,
    Escalation,
    EscalationSummary,
    HonourRevoked,
    MessageContext,
    NominationEnded,
    ObjectionAnswered,
    ObjectionOutcome,
    ObjectionReceived,
    Reminder,
    ReturnedForMaterial,
    SubmissionClosed,
    TaskAssigned,
    template_values,
)

SAMPLE_CAMPAIGN = "2026年江西省劳动模范和先进工作者评选"
SAMPLE_SITE_URL = "http://127.0.0.1:8000"

_TASK: dict[str, Any] = {
    "task_id": 128,
    "stage": "多部门联审",
    "nominee": "张伟",
    "department": "省税务局",
    "due_at": "2026-03-16 17:00",
}
_FINDING = "经核查，相关工资已于2024年12月足额发放，反映问题不属实。"

SAMPLES: dict[str, MessageContext] = {
    sample.kind: sample
    for sample in (
        TaskAssigned(**_TASK),
        Reminder(**_TASK, days_left=2),
        Escalation(**_TASK, overdue_days=3, assignee="李娜", count=2, reassigned=True),
        EscalationSummary(
            escalations=(
                Escalation(**_TASK, overdue_days=3, assignee="李娜", count=2, reassigned=True),
                Escalation(
                    **(
                        _TASK
                        | {"task_id": 131, "nominee": "陈静", "department": "省人力资源社会保障厅"}
                    ),
                    overdue_days=1,
                    assignee="",
                    count=1,
                    reassigned=False,
                ),
            )
        ),
        ReturnedForMaterial(
            nominee="王芳",
            state="qualification_returned",
            reason="缺少所在单位党组织意见及近五年个人所得税完税证明",
            answer_by="2026-03-20 17:00",
        ),
        ObjectionReceived(
            nominee="刘洋",
            objection_id=17,
            received_on="2026-04-08",
            content="反映该同志所在企业2024年度存在拖欠职工工资问题。",
            answer_by="2026-04-15 17:00",
        ),
        ObjectionOutcome(nominee="刘洋", objection_id=17, outcome="dismissed", finding=_FINDING),
        ObjectionAnswered(nominee="刘洋", objection_id=17, unit="南昌市总工会", findings=_FINDING),
        NominationEnded(
            nominee="陈静", state="vetoed", reason="税务部门联审意见：存在未结清的欠税记录"
        ),
        CommitteeResult(nominee="赵磊", state="awarded", reason="经评选委员会全体会议审定"),
        HonourRevoked(
            nominee="孙强", state="revoked", reason="经核实，申报材料中的主要业绩存在弄虚作假"
        ),
        SubmissionClosed(closed_at="2026-03-31 17:00", submitted=42),
        AuditAnchored(
            seq=1024,
            hash="3f" * 32,
            anchored_at="2026-04-01 03:00",
            key_id="a1b2c3d4e5f60718",
            lanes=3,
        ),
        DailyDigest(
            reviewer="省税务局",
            tasks=(
                DigestTask(128, "张伟", "多部门联审", "2026-03-16 17:00", overdue=False),
                DigestTask(131, "周敏", "多部门联审", "2026-03-12 17:00", overdue=True),
            ),
        ),
    )
}

# The samples as the variables a template sees (fields and envelope), for tests and previews.
SAMPLE_CONTEXTS: dict[str, dict[str, Any]] = {
    kind: template_values(sample, SAMPLE_CAMPAIGN, SAMPLE_SITE_URL)
    for kind, sample in SAMPLES.items()
}
