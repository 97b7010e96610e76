"""Managing accounts once made: deactivate, activate, change or reset a password, revoke tokens.

Each use case is one transaction with its audit event (never the password). A deactivated
account's sessions are ended and its tokens revoked in the same transaction, so nothing it
held works again — not even after it is activated. A password change ends the person's
other sessions; a reset by an administrator ends them all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from config.catalogue import Listing, msg
from models import ApiToken, User, WebSession
from models.uow import UnitOfWork
from workflow import audit
from workflow.access.accounts import require_account_admin, require_own_token, require_self
from workflow.actors import Actor
from workflow.errors import InvalidInput
from workflow.password_policy import password_problems
from workflow.repository import commit, get
from workflow.services.users import digest, hash_password, verify_password


@dataclass(frozen=True)
class Ended:
    """What a use case cut off: page sessions ended and API tokens revoked."""

    sessions: int = 0
    tokens: int = 0


def _audit(
    uow: UnitOfWork, actor: Actor, trigger: str, user: User, now: datetime, extra: str = ""
) -> None:
    reason = f"{user.username}{' ' + extra if extra else ''}"
    audit.append(uow, now, audit.AuditEntry.by(actor, trigger=trigger, reason=reason))


def _end_sessions(uow: UnitOfWork, user_id: int, keep_session: str | None = None) -> int:
    query = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_session is not None:
        query = query.where(WebSession.session_hash != digest(keep_session))
    return int(uow.session.execute(query).rowcount or 0)  # type: ignore[attr-defined]


def _revoke_all(uow: UnitOfWork, user_id: int) -> int:
    found = delete(ApiToken).where(ApiToken.user_id == user_id)
    return int(uow.session.execute(found).rowcount or 0)  # type: ignore[attr-defined]


def set_active(
    uow: UnitOfWork, user_id: int, active: bool, actor: Actor, now: datetime
) -> tuple[User, Ended]:
    """Deactivate (ending sessions, revoking tokens at once) or activate an account."""
    require_account_admin(actor, user_id, active)
    user = get(uow, User, user_id, "user")
    ended = Ended()
    if not active:
        ended = Ended(_end_sessions(uow, user.id), _revoke_all(uow, user.id))
    if user.active != active:
        user.active = active
        trigger = "user_activated" if active else "user_deactivated"
        _audit(uow, actor, trigger, user, now, f"sessions={ended.sessions} tokens={ended.tokens}")
    commit(uow)
    return user, ended


def _check_new(user: User, new_password: str, field: str) -> None:
    problems = password_problems(new_password, user.username, user.display_name)
    if problems:
        refused = msg("error.password_refused", problems=Listing(tuple(problems), "semicolon"))
        raise InvalidInput(field, refused)


def change_password(
    uow: UnitOfWork,
    user_id: int,
    old_password: str,
    new_password: str,
    actor: Actor,
    now: datetime,
    keep_session: str | None = None,
) -> Ended:
    """A person changes their own password (the old one checked); their other sessions end."""
    require_self(actor, user_id)
    user = get(uow, User, user_id, "user")
    if not verify_password(user.password_hash, old_password):
        # 422 naming the field, not 401: the caller is logged in, only this value is wrong.
        raise InvalidInput("old_password", msg("error.old_password_wrong"))
    _check_new(user, new_password, "new_password")
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    ended = Ended(sessions=_end_sessions(uow, user.id, keep_session))
    _audit(uow, actor, "password_changed", user, now, f"sessions={ended.sessions}")
    commit(uow)
    return ended


def reset_password(
    uow: UnitOfWork, user_id: int, new_password: str | None, actor: Actor, now: datetime
) -> tuple[User, str | None, Ended]:
    """An administrator sets a password (or a generated one, returned once); all sessions end."""
    require_account_admin(actor, user_id, True)
    user = get(uow, User, user_id, "user")
    generated = None
    if new_password is None:
        # Five groups of five: about 150 bits, readable over the telephone.
        generated = "-".join(secrets.token_hex(3)[:5] for _ in range(5))
    _check_new(user, new_password or generated or "", "password")
    user.password_hash = hash_password(new_password or generated or "")
    # A generated password is one-time: the person must set their own before anything else.
    user.must_change_password = generated is not None
    ended = Ended(sessions=_end_sessions(uow, user.id))
    _audit(uow, actor, "password_reset", user, now, f"sessions={ended.sessions}")
    commit(uow)
    return user, generated, ended


def own_tokens(uow: UnitOfWork, actor: Actor, user_id: int) -> list[ApiToken]:
    """The account's API tokens, newest first (its holder, or an administrator)."""
    require_self(actor, user_id, admin_may=True)
    query = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id.desc())
    return list(uow.session.scalars(query))


def revoke_token(
    uow: UnitOfWork, token_id: int, actor: Actor, now: datetime, *, own_only: bool = False
) -> ApiToken:
    """Revoke an API token: its holder's own, or any for an administrator (unless `own_only`);
    404 otherwise."""
    token = get(uow, ApiToken, token_id, "token")
    require_own_token(actor, token.user_id, token_id, own_only=own_only)
    user = get(uow, User, token.user_id, "user")
    uow.session.delete(token)
    _audit(uow, actor, "token_revoked", user, now, f"token #{token_id} ({token.name})")
    commit(uow)
    return token
