"""What of a nominee or an objector a viewer may read: the masking half of the access policy.

Identity numbers, phones, e-mail addresses and the exact birth date are shown in full only
to administrators, the working team and the clerk of the nominee's own unit. The identity
number alone is also shown to the reviewers of a department whose checks need it (police,
discipline: `sees_id_number: true` in the definition's `departments`), and each such view is
audited (`id_number_viewed`). Who raised an objection (name and contact) only to
administrators and the working team: the unit being reported never learns its
whistle-blower, whatever it may see of its own nominee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import Nomination
from models.uow import UnitOfWork
from workflow.access.recusal import keep_read_event
from workflow.actors import Actor
from workflow.services.definitions import definition_of

ID_NUMBER_VIEWED = "id_number_viewed"

# Who sees identity numbers and phones in full, besides the clerk of the nominee's own unit.
FULL_DATA_ROLES = frozenset({"admin", "system", "team_reviewer"})
# Who sees who raised an objection: the unit investigating it does not learn the reporter.
REPORTER_ROLES = frozenset({"admin", "system", "team_reviewer"})
# Fact keys that identify or reach a person; masked unless the viewer sees personal data.
SENSITIVE_FACTS = ("id_number", "phone", "mobile", "address", "email", "contact")


def sees_personal_data(actor: Actor, nomination: Nomination) -> bool:
    """Admins, the working team and the clerk of the nominee's unit see identity and phone."""
    if actor.role in FULL_DATA_ROLES:
        return True
    return actor.role == "unit_clerk" and actor.unit_code == nomination.unit.code


def department_sees_id_number(actor: Actor, nomination: Nomination) -> bool:
    """A department reviewer whose department, in the nomination's definition, needs the
    identity number for its checks (`sees_id_number: true`)."""
    if actor.role != "department_reviewer" or not actor.department:
        return False
    department = definition_of(nomination.definition).departments.get(actor.department)
    return bool(department and department.sees_id_number)


@dataclass(frozen=True)
class Disclosure:
    """What of a nominee's personal data one viewer sees in full."""

    personal: bool  # identity number, phones, e-mail, address, exact birth date
    id_number: bool  # the identity number (with `personal`, or by the department's setting)

    @property
    def audited(self) -> bool:
        """Whether showing the identity number is a view to audit (by the department setting)."""
        return self.id_number and not self.personal


def disclosure(actor: Actor, nomination: Nomination) -> Disclosure:
    """What this viewer sees of this nominee in full."""
    personal = sees_personal_data(actor, nomination)
    return Disclosure(personal, personal or department_sees_id_number(actor, nomination))


def has_id_number(facts: dict[str, Any]) -> bool:
    """Whether the stored facts hold an identity number (top level or among the extra facts)."""
    extra = facts.get("extra")
    in_extra = isinstance(extra, dict) and bool(extra.get("id_number"))
    return bool(facts.get("id_number")) or in_extra


def audit_id_number_view(
    uow: UnitOfWork, actor: Actor, nomination: Nomination, now: datetime
) -> None:
    """Record that a department reviewer was shown the full identity number, and keep it."""
    department = {"department": actor.department}
    keep_read_event(uow, actor, nomination, ID_NUMBER_VIEWED, now, payload=department)


def sees_reporter(actor: Actor) -> bool:
    """Whether the actor sees the name and contact of whoever raised an objection."""
    return actor.role in REPORTER_ROLES


def mask_id_number(value: str) -> str:
    """An identity number with only its first and last four characters shown."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """A phone number with only its first three and last four digits shown."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(value: str) -> str:
    """Any other personal value (an e-mail, an address): first and last character shown."""
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_name(value: str) -> str:
    """A person's name: the family name shown, the rest hidden."""
    return value[0] + "**" if value else value


def mask_value(key: str, value: str, id_number: bool = False) -> str:
    """A sensitive fact masked by its kind (the identity number kept when `id_number`)."""
    if key == "id_number" and id_number:
        return value
    if key == "id_number":
        return mask_id_number(value)
    if key in ("phone", "mobile"):
        return mask_phone(value)
    return mask_text(value)


def mask_birth_date(value: str) -> str:
    """A birth date reduced to its year."""
    return f"{value[:4]}-**-**" if value else ""


def shown_facts(facts: dict[str, Any], full: bool, id_number: bool = False) -> dict[str, Any]:
    """Stored facts with identity number, phone, e-mail and birth date masked unless `full`
    (the identity number shown when `id_number`)."""
    if full:
        return dict(facts)
    shown: dict[str, Any] = {}
    for key, value in facts.items():
        if key == "extra" and isinstance(value, dict):
            value = {
                k: mask_value(k, str(v), id_number) if k in SENSITIVE_FACTS else v
                for k, v in value.items()
            }
        elif key in SENSITIVE_FACTS:
            value = mask_value(key, str(value or ""), id_number)
        shown[key] = value
    shown["birth_date"] = mask_birth_date(str(facts.get("birth_date") or ""))
    for key in ("id_number", "phone"):
        shown.setdefault(key, "")
    return shown


def shown_reporter(
    actor: Actor, name: str | None, contact: str | None
) -> tuple[str | None, str | None]:
    """An objector's name and contact as this viewer may read them."""
    if sees_reporter(actor):
        return name, contact
    return (mask_name(name) if name else name), (mask_phone(contact) if contact else contact)
