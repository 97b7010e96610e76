"""Who acts: a person with a role, a department or team, and a recommending unit."""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = (
    "admin",
    "team_reviewer",
    "department_reviewer",
    "unit_clerk",
    "committee_secretary",
    "public",
    "system",
)


@dataclass(frozen=True)
class Actor:
    """The person or process behind an action; recorded in the audit as `label`."""

    name: str
    role: str
    department: str | None = None
    unit_code: str | None = None
    email: str | None = None
    # The logged-in user behind the actor (None for CLI roles and the system).
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role '{self.role}'; roles are {', '.join(ROLES)}")

    @property
    def label(self) -> str:
        where = self.department or self.unit_code
        return f"{self.name} ({self.role}{'@' + where if where else ''})"

    @property
    def is_privileged(self) -> bool:
        return self.role in ("admin", "system")


SYSTEM = Actor("system", "system")


def require_role(actor: Actor, *roles: str) -> None:
    """Refuse unless the actor has one of the roles (the system and admins always may)."""
    from workflow.errors import PermissionDenied

    if actor.is_privileged or actor.role in roles:
        return
    raise PermissionDenied(f"{actor.label} may not do this; it needs role {' or '.join(roles)}")
