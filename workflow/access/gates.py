"""Role gates: which kinds of person may use which part of the system at all.

Visibility (which rows) and recusal (which nominations) are decided elsewhere in this
package; a gate only answers "may this role do this kind of thing". Services and queries
call them; entry points do not check roles themselves.
"""

from __future__ import annotations

from config.catalogue import Label, Listing, msg
from workflow.actors import Actor
from workflow.errors import PermissionDenied

REVIEWERS = ("team_reviewer", "department_reviewer", "committee_secretary")


def has_role(actor: Actor, *roles: str) -> bool:
    """Whether the actor holds one of the roles (the system and admins hold them all)."""
    return actor.is_privileged or actor.role in roles


def require_role(actor: Actor, *roles: str) -> None:
    """Refuse unless the actor has one of the roles (the system and admins always may)."""
    if has_role(actor, *roles):
        return
    needed = Listing(tuple(Label("role", r) for r in roles), "or")
    raise PermissionDenied(msg("error.needs_role", roles=needed))


def require_reviewer(actor: Actor) -> None:
    """The inbox and task pages: reviewers of a team or department, and admins."""
    require_role(actor, *REVIEWERS)


def require_admin(actor: Actor) -> None:
    """Administration: definitions, users, the outbox, the audit chain."""
    require_role(actor, "admin")


def require_unit_clerk(actor: Actor) -> None:
    """A recommending unit's work: its nominations, imports, answers."""
    require_role(actor, "unit_clerk")


def require_committee(actor: Actor) -> None:
    """The committee's decision and its preview: the committee secretary and admins."""
    require_role(actor, "committee_secretary")


# Who may read the final list (表彰名单) once decided: the committee office, the working team.
FINAL_LIST_ROLES = ("committee_secretary", "team_reviewer")


def require_final_list(actor: Actor) -> None:
    """The decided list: the committee secretary, the working team and admins."""
    require_role(actor, *FINAL_LIST_ROLES)


def may_list_queue(actor: Actor, department: str | None) -> str | None:
    """The department whose queue the actor may list (their own; any for an admin)."""
    dept = department or actor.department
    if not actor.is_privileged and dept != actor.department:
        raise PermissionDenied(msg("error.queue_own_department"))
    return dept


# Who may read a campaign's reports (funnel, composition, the whole quota table).
REPORT_ROLES = ("team_reviewer", "committee_secretary")


def require_reports(actor: Actor) -> None:
    """Campaign reports: the working team, the committee office and admins."""
    require_role(actor, *REPORT_ROLES)


def report_unit(actor: Actor, scope: str, unit: str | None) -> str | None:
    """The unit a composition report may cover: a clerk its own only (scope=unit)."""
    if actor.role != "unit_clerk":
        require_reports(actor)
        return unit
    if scope != "unit" or unit not in (None, actor.unit_code):
        raise PermissionDenied(msg("error.report_own_unit"))
    return actor.unit_code
