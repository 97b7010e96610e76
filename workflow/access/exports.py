"""Who may have which exported document, and of which unit: the exports' part of the policy.

Each kind of document has the roles that may have it (administrators and the system always
may); a unit clerk has its own unit's documents only, and the public none. What the rows of
a document show is decided where they are read (visibility, recusal, masking).
"""

from __future__ import annotations

from collections.abc import Mapping

from config.catalogue import Label, Listing, msg
from workflow.access.gates import FINAL_LIST_ROLES, REPORT_ROLES, has_role, require_role
from workflow.actors import Actor
from workflow.errors import InvalidInput, NotFound, PermissionDenied

# The roles that may have each kind (admins always may). A clerk's are its own unit's.
EXPORT_ROLES: Mapping[str, tuple[str, ...]] = {
    "summary": ("unit_clerk", *REPORT_ROLES),
    "final_list": FINAL_LIST_ROLES,
    "composition": ("unit_clerk", *REPORT_ROLES),
    "funnel": REPORT_ROLES,
    "workload": ("team_reviewer",),
}
KINDS: tuple[str, ...] = tuple(EXPORT_ROLES)
# The kinds drawn for one recommending unit when one is named (the others cover the campaign).
BY_UNIT = frozenset({"summary", "composition"})


def require_kind(kind: str) -> None:
    """Refuse a kind of export that does not exist, naming those that do."""
    if kind not in EXPORT_ROLES:
        kinds = Listing(tuple(Label("export.kind", k) for k in KINDS), "or")
        raise NotFound(msg("error.export_unknown_kind", kind=kind, kinds=kinds))


def export_unit(actor: Actor, kind: str, unit_code: str | None) -> str | None:
    """The unit the export covers: the kind's roles checked, a clerk's own unit (any other is
    refused), none for the kinds that cover the whole campaign."""
    require_kind(kind)
    require_role(actor, *EXPORT_ROLES[kind])
    if unit_code is not None and kind not in BY_UNIT:
        whole = msg("error.export_whole_campaign", kind=Label("export.kind", kind))
        raise InvalidInput("unit", whole)
    if actor.role != "unit_clerk":
        return unit_code
    if not actor.unit_code or unit_code not in (None, actor.unit_code):
        raise PermissionDenied(msg("error.export_own_unit"))
    return actor.unit_code


def may_export(actor: Actor, kind: str) -> bool:
    """Whether the actor may have this kind at all (the pages offer only these buttons)."""
    return kind in EXPORT_ROLES and has_role(actor, *EXPORT_ROLES[kind])
