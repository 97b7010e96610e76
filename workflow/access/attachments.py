"""Who may add and who may read an attachment: whoever may see what it belongs to.

The caller has already found the nomination visible and not recused for the actor
(`readable_nomination`); this decides by the attachment's owner:

* the nomination's own material (推荐表, 事迹材料): everyone who may see the nomination reads
  it; the nominee's unit, the working team and admins add to it;
* an objection as received (the objector's letter, a call note): it may name the objector,
  so only those who see who raised an objection read it — admins and the working team
  (`masking.sees_reporter`); the reported unit and the departments never do; the team adds;
* the unit's answer (核查报告): everyone who may see the nomination reads it; the clerk of
  the nominee's unit adds to it while the objection waits for its answer.
"""

from __future__ import annotations

from config.catalogue import msg
from models import Nomination
from models.attachments import OWNER_ANSWER, OWNER_NOMINATION, OWNER_OBJECTION
from workflow.access.gates import has_role
from workflow.access.masking import sees_reporter
from workflow.actors import Actor
from workflow.errors import PermissionDenied


def may_read(actor: Actor, owner: str) -> bool:
    """Whether the actor, who may see the nomination, may read an attachment of this owner."""
    if owner == OWNER_OBJECTION:
        return sees_reporter(actor)
    return owner in (OWNER_NOMINATION, OWNER_ANSWER)


def own_unit(actor: Actor, nomination: Nomination) -> bool:
    """Whether the actor is a clerk of the nominee's own unit."""
    return actor.role == "unit_clerk" and actor.unit_code == nomination.unit.code


def may_attach(actor: Actor, nomination: Nomination, owner: str) -> bool:
    """Whether the actor may add a file of this owner to the nomination (seen already)."""
    if actor.is_privileged:
        return True
    if owner == OWNER_NOMINATION:
        return own_unit(actor, nomination) or has_role(actor, "team_reviewer")
    if owner == OWNER_OBJECTION:
        return has_role(actor, "team_reviewer")
    return owner == OWNER_ANSWER and own_unit(actor, nomination)


def require_may_attach(actor: Actor, nomination: Nomination, owner: str) -> None:
    """Refuse (403) a file the actor may not add: the nomination is visible to them."""
    if not may_attach(actor, nomination, owner):
        raise PermissionDenied(msg("error.attachment_not_yours"))
