"""When a unit may still hand in: the campaign's phase and its submission deadline.

One check for every way in — a new nomination, a form import, a correction and the
submission itself (the `submission_open` guard) — so each is refused at once, with the
same reason, on the API, the pages and the CLI.
"""

from __future__ import annotations

from datetime import datetime

from config.catalogue import msg
from models import Campaign
from workflow.errors import InvalidState, RuleFailure
from workflow.lifecycles import campaign_phase
from workflow.messages import beijing


def window_refusal(campaign: Campaign, action: str, now: datetime) -> RuleFailure | None:
    """Why the campaign takes no `action` now (its phase, or the deadline past), or None."""
    refused = campaign_phase.refusal(campaign, action)
    if refused is not None:
        return refused
    deadline = campaign.submission_deadline
    if deadline is not None and now > deadline:
        closed = msg("rule.submission_deadline.closed", closed=beijing(deadline))
        return RuleFailure("submission_deadline", closed)
    return None


def require_window(campaign: Campaign, action: str, now: datetime) -> None:
    """Refuse (InvalidState) an action the window no longer allows, naming why."""
    failure = window_refusal(campaign, action, now)
    if failure is not None:
        raise InvalidState(failure.message)
