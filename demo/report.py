"""The demo's report: funnel per stage, composition, emails by kind, audit verification."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import distinct, func, select

from demo.cast import DemoLog
from models import AuditEvent, Nomination, Objection, OutboxMessage
from models.uow import UnitOfWork
from workflow.audit_verify import verify
from workflow.services.campaigns import get_campaign
from workflow.services.definitions import definition_of
from workflow.services.reports import composition, funnel


def stage_funnel(uow: UnitOfWork, campaign_id: int) -> list[dict[str, Any]]:
    """For each stage: how many nominations ever entered it, and how many are in it now."""
    campaign = get_campaign(uow, campaign_id)
    entered = dict(
        uow.session.execute(
            select(AuditEvent.to_state, func.count(distinct(AuditEvent.nomination_id)))
            .where(AuditEvent.campaign_id == campaign_id, AuditEvent.from_state.is_not(None))
            .where(AuditEvent.from_state != AuditEvent.to_state)
            .group_by(AuditEvent.to_state)
        ).all()
    )
    created = uow.session.scalar(
        select(func.count(Nomination.id)).where(Nomination.campaign_id == campaign_id)
    )
    now_in = {row.state: row.count for row in funnel(uow, campaign)}
    stages = [("draft", "填报 draft"), ("submitted", "报送 submitted")]
    stages += [(s.id, f"{s.title} {s.id}") for s in definition_of(campaign.definition).stages]
    stages += [("awarded", "授予 awarded")]
    rows = [
        {"state": "draft", "label": stages[0][1], "entered": created, "now": now_in.get("draft", 0)}
    ]
    rows += [
        {
            "state": state,
            "label": label,
            "entered": entered.get(state, 0),
            "now": now_in.get(state, 0),
        }
        for state, label in stages[1:]
    ]
    ends = ["disqualified", "vetoed", "removed", "withdrawn", "not_approved", "revoked"]
    rows += [
        {"state": s, "label": s, "entered": entered.get(s, 0), "now": now_in.get(s, 0)}
        for s in ends
    ]
    return rows


def demo_report(uow: UnitOfWork, campaign_id: int, log: DemoLog) -> dict[str, Any]:
    """Everything the demo prints, as one JSON-ready mapping."""
    session = uow.session
    campaign = get_campaign(uow, campaign_id)
    size, results = composition(uow, campaign, "final")
    emails = dict(
        session.execute(
            select(OutboxMessage.kind, func.count(OutboxMessage.id)).group_by(OutboxMessage.kind)
        ).all()
    )
    objections = dict(
        session.execute(
            select(Objection.status, func.count(Objection.id)).group_by(Objection.status)
        ).all()
    )
    step_ups = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.trigger == "step_up")
    )
    chain = verify(session, key=uow.audit_key)
    return {
        "campaign": {"code": campaign.code, "title": campaign.title, "phase": campaign.phase},
        "funnel": stage_funnel(uow, campaign_id),
        "refused_at_submission": dict(log.refused_at_submission),
        "failed_qualification": dict(log.failed_qualification),
        "alternates_stepped_up": step_ups,
        "objections": objections,
        "decision": log.decision,
        "composition": {"list_size": size, "rules": [asdict(r) for r in results]},
        "emails_queued": dict(sorted(emails.items())),
        "deadlines_fired": dict(sorted(log.deadlines_fired.items())),
        "audit": {"ok": chain.ok, "events": chain.events, "problem": chain.said() or None},
    }
