"""Who acts: a person with a role, a department or team, and a recommending unit."""

from __future__ import annotations

from dataclasses import dataclass

from config.catalogue import Label, Listing, msg
from workflow.problems import Problem

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
    # That user's account name: unique, unlike the display name.
    username: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            known = Listing(tuple(Label("role", r) for r in ROLES))
            raise Problem(msg("error.unknown_role", role=self.role, known=known))

    @property
    def label(self) -> str:
        """How the audit shows the actor: `王伟 (department_reviewer@discipline)`."""
        where = self.department or self.unit_code
        return f"{self.name} ({self.role}{'@' + where if where else ''})"

    def same_person(self, user_id: int | None, name: str | None) -> bool:
        """Whether this actor is the one recorded as (user_id, name).

        Accounts compare by id. Only when neither side has an account (CLI roles acting by
        name, tasks claimed before accounts were recorded) does the name decide.
        """
        if user_id is not None or self.user_id is not None:
            return user_id == self.user_id
        return name == self.name

    @property
    def is_privileged(self) -> bool:
        return self.role in ("admin", "system")


SYSTEM = Actor("system", "system")


def require_role(actor: Actor, *roles: str) -> None:
    """Refuse unless the actor has one of the roles; the policy's gate (workflow.access)."""
    from workflow.access.gates import require_role as gate

    gate(actor, *roles)
