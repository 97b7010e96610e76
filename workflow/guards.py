"""Named guards of the state machine; each failure names its rule and the figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from models import Deadline, Nomination, Objection, QuotaAllocation, ReviewTask
from models.reviews import OBJECTION_OPEN, TASK_DONE
from workflow.calendar import SHANGHAI
from workflow.errors import RuleFailure
from workflow.machine import CLOSED_STATES, HOLD_NO_PLACE
from workflow.registry import registry_honours
from workflow.rules.eligibility import EligibilityContext, check_eligibility, parse_rule_params
from workflow.rules.unit_rules import check_head_alternate, check_official_allowance
from workflow.step import Step

Guard = Callable[[Step], list[RuleFailure]]


def submission_open(step: Step) -> list[RuleFailure]:
    """Nothing is submitted after the campaign's submission deadline (late counts as withdrawn)."""
    deadline = step.nomination.campaign.submission_deadline
    if deadline is not None and step.now > deadline:
        closed = deadline.astimezone(SHANGHAI)
        return [RuleFailure("submission_deadline", f"submission closed at {closed:%Y-%m-%d %H:%M}")]
    return []


def quota(step: Step, *, as_main: bool = False) -> list[RuleFailure]:
    """A unit may not hold more live main nominations than its places."""
    n = step.nomination
    if n.rank != "main" and not as_main:  # as_main: may this alternate step up?
        return []
    places = unit_places(step, n.unit_id, n.category)
    limit, category = places.limit, places.category
    if limit is None:
        return [RuleFailure("quota", f"unit {n.unit.name} holds no places in this campaign")]
    query = select(func.count(Nomination.id)).where(
        Nomination.campaign_id == n.campaign_id,
        Nomination.unit_id == n.unit_id,
        Nomination.rank == "main",
        Nomination.id != n.id,
        Nomination.status.not_in(HOLD_NO_PLACE),
    )
    if category is not None:
        query = query.where(Nomination.category == category)
    elif places.own_categories:  # nominees with places of their own do not use the general ones
        query = query.where(Nomination.category.not_in(places.own_categories))
    used = step.uow.session.scalar(query) or 0
    if used >= limit:
        scope = f" for category {category}" if category else ""
        return [
            RuleFailure(
                "quota",
                f"unit {n.unit.name} has {limit} place(s){scope} and {used} already submitted",
            )
        ]
    return []


def unit_rules(step: Step) -> list[RuleFailure]:
    """The definition's rules on a unit's whole submission (officials, heads' alternates)."""
    n, rules = step.nomination, step.definition.submission.unit_rules
    if n.rank != "main":
        return []
    failures = []
    if rules.official_allowance is not None:
        places = step.uow.session.scalar(
            select(func.sum(QuotaAllocation.places)).where(
                QuotaAllocation.campaign_id == n.campaign_id, QuotaAllocation.unit_id == n.unit_id
            )
        )
        held = sum(
            1
            for other in _live_mains(step)
            if other.get("official_level") in rules.official_allowance.official_levels
        )
        failures.append(
            check_official_allowance(
                rules.official_allowance, step.facts, n.unit.name, places or 0, held
            )
        )
    if rules.enterprise_head_alternate is not None:
        alternates = step.uow.session.scalars(
            select(Nomination.category).where(
                Nomination.campaign_id == n.campaign_id,
                Nomination.unit_id == n.unit_id,
                Nomination.rank == "alternate",
                Nomination.status.not_in(CLOSED_STATES),
            )
        ).all()
        failures.append(
            check_head_alternate(
                rules.enterprise_head_alternate, step.facts, n.unit.name, alternates
            )
        )
    return [f for f in failures if f is not None]


def _live_mains(step: Step) -> list[dict[str, object]]:
    """The facts of the unit's other main nominations that hold a place."""
    n = step.nomination
    return list(
        step.uow.session.scalars(
            select(Nomination.facts).where(
                Nomination.campaign_id == n.campaign_id,
                Nomination.unit_id == n.unit_id,
                Nomination.rank == "main",
                Nomination.id != n.id,
                Nomination.status.not_in(HOLD_NO_PLACE),
            )
        )
    )


@dataclass(frozen=True)
class Places:
    """The places that bind one nomination of a unit."""

    limit: int | None  # None: the unit holds no places that fit
    category: str | None  # the category whose own places bind, or None for the general places
    own_categories: frozenset[str]  # the unit's categories that have places of their own


def unit_places(step: Step, unit_id: int, category: str) -> Places:
    """The places that bind a nomination: its category's allocation if any, else the general."""
    query = select(QuotaAllocation).where(
        QuotaAllocation.campaign_id == step.nomination.campaign_id,
        QuotaAllocation.unit_id == unit_id,
    )
    if step.uow.dialect == "postgresql":
        # Serialise a unit's submissions: without it two racing for the last place both count
        # the other as a draft and both pass (SQLite serialises already, by BEGIN IMMEDIATE).
        query = query.with_for_update(of=QuotaAllocation)
    rows = step.uow.session.scalars(query).unique().all()
    own_categories = frozenset(r.category for r in rows if r.category is not None)
    if category in own_categories:
        limit = sum(r.places for r in rows if r.category == category)
        return Places(limit, category, own_categories)
    general = [r.places for r in rows if r.category is None]
    return Places(sum(general) if general else None, None, own_categories)


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


def joint_review_cleared(step: Step) -> list[RuleFailure]:
    """The stage's completion rule: every department clears, or a quorum does."""
    stage = step.definition.stage(step.nomination.status)
    tasks = _stage_tasks(step)
    cleared = sum(1 for t in tasks if t.status == TASK_DONE and t.outcome == "clear")
    if stage.completion.rule == "quorum":
        need = stage.completion.quorum or 0
        if cleared < need:
            return [RuleFailure("joint_review", f"{cleared} of quorum {need} departments cleared")]
        return []
    if cleared < len(tasks):
        return [RuleFailure("joint_review", f"{cleared} of {len(tasks)} departments cleared")]
    return []


def _stage_tasks(step: Step) -> list[ReviewTask]:
    return list(
        step.uow.session.scalars(
            select(ReviewTask).where(
                ReviewTask.nomination_id == step.nomination.id,
                ReviewTask.stage == step.nomination.status,
                ReviewTask.status != "cancelled",
            )
        ).all()
    )


def no_open_objection(step: Step) -> list[RuleFailure]:
    """The notice may end only when every objection has been decided."""
    open_count = step.uow.session.scalar(
        select(func.count(Objection.id)).where(
            Objection.nomination_id == step.nomination.id, Objection.status == OBJECTION_OPEN
        )
    )
    if open_count:
        return [RuleFailure("objections", f"{open_count} objection(s) still under investigation")]
    return []


def notice_period_over(step: Step) -> list[RuleFailure]:
    """The public notice runs its full number of working days."""
    due = step.uow.session.scalar(
        select(Deadline.due_at).where(
            Deadline.nomination_id == step.nomination.id,
            Deadline.kind == "notice_end",
            Deadline.stage == step.nomination.status,
        )
    )
    if due is not None and due > step.now:
        days = step.definition.stage(step.nomination.status).duration_days
        return [
            RuleFailure(
                "notice_period",
                f"the {days}-working-day notice runs until {due:%Y-%m-%d %H:%M} UTC",
            )
        ]
    return []


def is_main_nomination(step: Step) -> list[RuleFailure]:
    """Only main nominations can be awarded; alternates must step up first."""
    if step.nomination.rank != "main":
        return [RuleFailure("alternate", "an alternate cannot be awarded before it steps up")]
    return []


GUARDS: dict[str, Guard] = {
    "submission_open": submission_open,
    "quota": quota,
    "unit_rules": unit_rules,
    "joint_review_cleared": joint_review_cleared,
    "no_open_objection": no_open_objection,
    "notice_period_over": notice_period_over,
    "is_main_nomination": is_main_nomination,
}


def run_guard(name: str, step: Step) -> list[RuleFailure]:
    """Run a named guard; 'eligibility:<where>' runs that step's configured rules."""
    if name.startswith("eligibility:"):
        return eligibility(step, name.split(":", 1)[1])
    return GUARDS[name](step)
