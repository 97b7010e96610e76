"""What a campaign's phase move requires, what the next phase allows, and when its composition
rules may still be amended. Pure: the figures come in as `PhaseFacts`; nothing is written.

The same checks are shown on the administrator's campaign page before the button is pressed
and applied by `workflow.services.campaigns.advance_phase`, so the page never promises a move
the service refuses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from config.catalogue import Label, Message, msg
from models import Campaign
from workflow.lifecycles import campaign_phase
from workflow.lifecycles.campaign_phase import (
    CLOSED,
    DECIDED,
    GATES,
    INSPECTION_NOTICE,
    LIFECYCLE,
    RECOMMENDATION,
)
from workflow.messages import beijing


@dataclass(frozen=True)
class PhaseFacts:
    """The figures a phase move is checked against."""

    places: int  # places in the quota table
    submitted: int  # main nominations holding a place
    to_apply: int = 0  # the decision's outcomes not yet applied to their nominations


@dataclass(frozen=True)
class Check:
    """One condition of a move, or one action of the next phase: passed or not, and why."""

    code: str
    ok: bool
    message: Message


def move_checks(campaign: Campaign, target: str, facts: PhaseFacts, now: datetime) -> list[Check]:
    """The conditions of moving `campaign` to `target`; every one must pass."""
    allowed = LIFECYCLE.allowed(campaign.phase)
    order = msg(
        "phase_check.order",
        current=LIFECYCLE.label(campaign.phase),
        target=LIFECYCLE.label(target),
    )
    checks = [Check("order", target in allowed, order)]
    if target == RECOMMENDATION:
        checks.append(Check("quota_table", facts.places > 0, _places(facts.places)))
        checks.append(_deadline_ahead(campaign, now))
    elif target == INSPECTION_NOTICE:
        checks.append(Check("submitted", True, msg("phase_check.submitted", n=facts.submitted)))
    elif target == DECIDED:
        checks.append(Check("decision", False, msg("phase_check.by_decision")))
    elif target == CLOSED:
        checks.append(Check("decided", campaign.decided_at is not None, msg("phase_check.decided")))
        applied = msg("phase_check.decision_applied", n=facts.to_apply)
        checks.append(Check("decision_applied", facts.to_apply == 0, applied))
    return checks


def _places(places: int) -> Message:
    if places > 0:
        return msg("phase_check.quota_set", places=places)
    return msg("phase_check.quota_missing")


def _deadline_ahead(campaign: Campaign, now: datetime) -> Check:
    deadline = campaign.submission_deadline
    if deadline is None:
        return Check("submission_deadline", True, msg("phase_check.no_deadline"))
    ahead = deadline > now
    key = "phase_check.deadline_ahead" if ahead else "phase_check.deadline_passed"
    return Check("submission_deadline", ahead, msg(key, deadline=beijing(deadline)))


def gate_checks(campaign: Campaign, target: str) -> list[Check]:
    """Each action of `GATES`: allowed in `target`, or refused with the reason it would give."""
    checks = []
    for action in GATES:
        failure = campaign_phase.refusal_in(campaign.title, target, action)
        if failure is None:
            checks.append(Check(action, True, msg("phase_check.gate_open", action=_gate(action))))
        else:
            checks.append(Check(action, False, failure.message))
    return checks


def _gate(action: str) -> Label:
    return Label("gate", action)


def composition_refusal(campaign: Campaign, now: datetime) -> Message | None:
    """Why the campaign's composition rules may no longer be amended, or None if they may."""
    failure = campaign_phase.refusal(campaign, "amend_composition")
    if failure is not None:
        return failure.message
    deadline = campaign.submission_deadline
    if deadline is not None and deadline <= now:
        return msg("phase_check.amend_after_deadline", deadline=beijing(deadline))
    return None
