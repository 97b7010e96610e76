"""Who may manage which account: administrators any (but never deactivate themselves);
every person their own password and their own API tokens."""

from __future__ import annotations

from config.catalogue import msg
from workflow.access.gates import require_admin
from workflow.actors import Actor
from workflow.errors import InvalidState, PermissionDenied
from workflow.repository import not_found


def require_account_admin(actor: Actor, user_id: int, active: bool) -> None:
    """Deactivating, activating, resetting: administrators only, and not their own deactivation."""
    require_admin(actor)
    if not active and actor.user_id is not None and actor.user_id == user_id:
        # The last administrator could otherwise lock everyone out of the office.
        raise InvalidState(msg("error.deactivate_self"))


def require_self(actor: Actor, user_id: int, *, admin_may: bool = False) -> None:
    """A person's own account (an administrator too when `admin_may`); else 403."""
    if actor.user_id is not None and actor.user_id == user_id:
        return
    if admin_may and actor.is_privileged:
        return
    raise PermissionDenied(msg("error.own_account_only"))


def require_own_token(
    actor: Actor, holder_id: int, token_id: int, *, own_only: bool = False
) -> None:
    """A token's holder, or an administrator (unless `own_only`); anyone else gets 404, so
    token ids do not leak."""
    if actor.user_id is not None and actor.user_id == holder_id:
        return
    if actor.is_privileged and not own_only:
        return
    raise not_found("token", token_id)
