"""The campaign's phases, the only writer of `Campaign.phase`, and what each phase allows.

launch -> recommendation -> inspection_notice -> decided -> closed, one step at a time;
`decided` is reached by the committee's decision (workflow.services.committee).
"""

from __future__ import annotations

from datetime import datetime

from config.catalogue import Label, Listing, msg
from config.message_json import reason_fields
from models import PHASES, Campaign
from models.uow import UnitOfWork
from workflow import audit
from workflow.actors import Actor
from workflow.errors import InvalidState, RuleFailure
from workflow.lifecycles.table import Lifecycle

LAUNCH, RECOMMENDATION, INSPECTION_NOTICE, DECIDED, CLOSED = PHASES

LIFECYCLE = Lifecycle(
    "phase",
    {
        LAUNCH: frozenset({RECOMMENDATION}),
        RECOMMENDATION: frozenset({INSPECTION_NOTICE}),
        INSPECTION_NOTICE: frozenset({DECIDED}),
        DECIDED: frozenset({CLOSED}),
        CLOSED: frozenset(),
    },
)

# The phases in which an action on a campaign's list is allowed.
_BEFORE_DECISION = (LAUNCH, RECOMMENDATION, INSPECTION_NOTICE)
GATES: dict[str, tuple[str, ...]] = {
    "submit": (RECOMMENDATION, INSPECTION_NOTICE),  # not before recommendation opens
    "import": _BEFORE_DECISION,
    "nominate": _BEFORE_DECISION,
    "set_quota": _BEFORE_DECISION,
    # A campaign's composition rules are amended in place only while units may still submit.
    "amend_composition": (LAUNCH, RECOMMENDATION),
}


def move(
    uow: UnitOfWork,
    campaign: Campaign,
    target: str,
    *,
    actor: Actor,
    now: datetime,
    trigger: str = "advance_phase",
) -> None:
    """Move a campaign to `target`, refusing what the table forbids; audited."""
    LIFECYCLE.check(campaign.title, campaign.phase, target)
    previous, campaign.phase = campaign.phase, target
    if target == DECIDED:
        campaign.decided_at = now
    moved = msg(
        "audit.phase_moved", previous=LIFECYCLE.label(previous), target=LIFECYCLE.label(target)
    )
    reason, payload = reason_fields(moved)
    audit.append(
        uow,
        now,
        audit.AuditEntry.by(
            actor, trigger=trigger, campaign_id=campaign.id, reason=reason, payload=payload
        ),
    )


def next_phase(campaign: Campaign) -> str:
    """The phase after the campaign's current one; refuses at the last."""
    allowed = LIFECYCLE.allowed(campaign.phase)
    if not allowed:
        last = msg(
            "error.phase_last", campaign=campaign.title, phase=LIFECYCLE.label(campaign.phase)
        )
        raise InvalidState(last)
    return allowed[0]


def refusal(campaign: Campaign, action: str) -> RuleFailure | None:
    """Why the campaign's phase does not allow this action, or None if it does."""
    return refusal_in(campaign.title, campaign.phase, action)


def refusal_in(title: str, phase: str, action: str) -> RuleFailure | None:
    """Why a campaign in `phase` would not allow this action, or None if it would."""
    allowed = GATES[action]
    if phase in allowed:
        return None
    return RuleFailure(
        "campaign_phase",
        msg(
            "rule.campaign_phase.not_allowed",
            campaign=title,
            phase=LIFECYCLE.label(phase),
            action=Label("gate", action),
            allowed=Listing(tuple(LIFECYCLE.label(p) for p in allowed), "or"),
        ),
    )


def require(campaign: Campaign, action: str) -> None:
    """Refuse an action the campaign's phase does not allow, naming the phase."""
    failure = refusal(campaign, action)
    if failure is not None:
        raise InvalidState(failure.message)
