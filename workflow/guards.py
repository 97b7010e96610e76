"""Named guards of the state machine; each failure names its rule and the figures.

The registry is name -> function: the submission's own guards and eligibility here, a
unit's places and submission rules in `workflow.rules.quota`, and each stage kind's
guards from its module (`workflow.stages`).
"""

from __future__ import annotations

from workflow.errors import RuleFailure
from workflow.registry import registry_honours
from workflow.rules.eligibility import EligibilityContext, check_eligibility, parse_rule_params
from workflow.rules.quota import quota, unit_rules
from workflow.rules.submission_window import window_refusal
from workflow.stages import registry as stages
from workflow.stages.base import Guard
from workflow.step import Step


def submission_open(step: Step) -> list[RuleFailure]:
    """Submission needs the recommendation phase open and the submission deadline not past."""
    refused = window_refusal(step.nomination.campaign, "submit", step.now)
    return [] if refused is None else [refused]


def eligibility(step: Step, where: str) -> list[RuleFailure]:
    """Run the eligibility rules the definition lists for this step."""
    d = step.definition
    names = d.submission.rules if where == "submission" else d.stage(where).rules
    configured = {name: parse_rule_params(name, d.eligibility[name]) for name in names}
    campaign = step.nomination.campaign
    ctx = EligibilityContext(
        reference_date=campaign.reference_date,
        honour_level=campaign.honour_level,
        registry=registry_honours(step),
        calendar=step.calendar,
    )
    return check_eligibility(step.facts, ctx, configured)


GUARDS: dict[str, Guard] = {
    "submission_open": submission_open,
    "quota": quota,
    "unit_rules": unit_rules,
    **stages.guards(),
}


def run_guard(name: str, step: Step) -> list[RuleFailure]:
    """Run a named guard; 'eligibility:<where>' runs that step's configured rules."""
    if name.startswith("eligibility:"):
        return eligibility(step, name.split(":", 1)[1])
    return GUARDS[name](step)
