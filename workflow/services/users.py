"""People who log in: accounts, passwords, API tokens, page sessions, declared conflicts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, select

from config.catalogue import Label, Listing, Message, msg
from models import ApiToken, ConflictDeclaration, User, WebSession
from models.uow import UnitOfWork
from workflow import audit
from workflow.access import visible_nomination
from workflow.actors import ROLES, Actor, require_role
from workflow.errors import AuthenticationFailed, InvalidState, NotFound
from workflow.password_policy import MIN_LENGTH, password_problems
from workflow.queries.accounts import department_problem, unit_problem
from workflow.repository import commit, get

# Roles a person can hold; `public` and `system` are never accounts.
USER_ROLES: tuple[str, ...] = tuple(r for r in ROLES if r not in ("public", "system"))
DEPARTMENT_ROLES = frozenset({"team_reviewer", "department_reviewer"})
MIN_PASSWORD = MIN_LENGTH  # workflow/password_policy.py
# One message for unknown users and wrong passwords, so a login never reveals which names exist.
BAD_LOGIN = msg("error.bad_login")
_HASHER = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked against when the user is unknown, so both failures cost the same time.

    Made on first use: hashing takes about 0.2 s, which every command would pay at import.
    """
    return _HASHER.hash("not-a-real-password")


def hash_password(pw: str) -> str:
    """An argon2id hash of the password."""
    return _HASHER.hash(pw)


def verify_password(hash: str, pw: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _HASHER.verify(hash, pw)
    except (VerificationError, InvalidHashError):
        return False


def digest(value: str) -> str:
    """The SHA-256 hex digest a token or session id is stored and looked up by."""
    # Tokens and session ids are looked up by hash only; the plain value stays with its holder.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def create_user(
    uow: UnitOfWork,
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    department: str | None = None,
    unit_code: str | None = None,
    email: str | None = None,
    actor: Actor,
    now: datetime,
) -> User:
    """A new account; refuses unknown roles, missing department or unit, short passwords."""
    require_role(actor, "admin")
    problems = _account_problems(uow, username, display_name, password, role, department, unit_code)
    if problems:
        raise InvalidState(
            msg("error.user_refused", problems=Listing(tuple(problems), "semicolon"))
        )
    user = User(
        username=username.strip(),
        display_name=display_name.strip(),
        email=email or None,
        role=role,
        department=department or None,
        unit_code=unit_code or None,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
    )
    uow.session.add(user)
    uow.session.flush()
    where = department or unit_code
    reason = f"{user.username} as {role}{'@' + where if where else ''}"
    audit.append(uow, now, audit.AuditEntry.by(actor, trigger="create_user", reason=reason))
    commit(uow)
    return user


def _account_problems(
    uow: UnitOfWork,
    username: str,
    display_name: str,
    password: str,
    role: str,
    department: str | None,
    unit_code: str | None,
) -> list[Message]:
    found: list[Message] = []
    if not username.strip():
        found.append(msg("user_problem.username_blank"))
    elif uow.session.scalar(select(User.id).where(User.username == username.strip())):
        found.append(msg("user_problem.username_taken", username=username))
    if not display_name.strip():
        found.append(msg("user_problem.name_blank"))
    found.extend(password_problems(password, username, display_name))
    if role not in USER_ROLES:
        roles = Listing(tuple(Label("role", r) for r in USER_ROLES), "or")
        found.append(msg("user_problem.role", roles=roles))
    if role in DEPARTMENT_ROLES and not department:
        found.append(msg("user_problem.needs_department", role=Label("role", role)))
    if department:
        found.extend(department_problem(uow, department))
    if role == "unit_clerk" and not unit_code:
        found.append(msg("user_problem.needs_unit", role=Label("role", role)))
    if unit_code:
        found.extend(unit_problem(uow, unit_code))
    return found


def authenticate(uow: UnitOfWork, username: str, password: str, now: datetime) -> User:
    """The active user with this name and password; one refusal for every failure."""
    user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        verify_password(_dummy_hash(), password)  # same cost as a real check
        raise AuthenticationFailed(BAD_LOGIN)
    if not verify_password(user.password_hash, password) or not user.active:
        raise AuthenticationFailed(BAD_LOGIN)
    return user


def issue_token(
    uow: UnitOfWork, user_id: int, name: str, now: datetime, ttl_days: int | None = 90
) -> str:
    """A new API token for the user; only its SHA-256 is stored, the plain token returned once."""
    get(uow, User, user_id, "user")
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(days=ttl_days) if ttl_days is not None else None
    uow.session.add(
        ApiToken(
            user_id=user_id,
            token_hash=digest(token),
            name=name,
            created_at=now,
            expires_at=expires,
            last_used_at=None,
        )
    )
    commit(uow)
    return token


# Every API request asks this: built once, the digest a parameter (building it each time cost
# about as much as the round trip).
_TOKEN_USER = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def user_for_token(uow: UnitOfWork, token: str, now: datetime) -> User | None:
    """The active user a live token belongs to, or None."""
    with uow.one_statement():  # every request asks: no BEGIN and COMMIT around it
        row = uow.session.execute(_TOKEN_USER, {"token_hash": digest(token)}).one_or_none()
    if row is None:
        return None
    api_token, user = row
    if not user.active or (api_token.expires_at is not None and api_token.expires_at <= now):
        return None
    # Written at most once a minute, so a busy client does not turn every read into a write.
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=1):
        with uow.writing():  # a read request writes here: take the write lock, don't upgrade
            api_token.last_used_at = now
            commit(uow)
    return user


def open_session(uow: UnitOfWork, user_id: int, now: datetime, hours: int = 12) -> tuple[str, str]:
    """A page session for the user; returns (session id for the cookie, csrf token)."""
    get(uow, User, user_id, "user")
    session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    uow.session.add(
        WebSession(
            user_id=user_id,
            session_hash=digest(session_id),
            csrf_token=csrf,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    commit(uow)
    return session_id, csrf


# Every page asks this, as the API asks `_TOKEN_USER`.
_SESSION_USER = (
    select(WebSession, User)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.session_hash == bindparam("session_hash"))
)


def session_user(uow: UnitOfWork, session_id: str, now: datetime) -> tuple[User, str] | None:
    """The active user of a live page session and its csrf token, or None."""
    with uow.one_statement():  # every page asks: no BEGIN and COMMIT around it
        row = uow.session.execute(_SESSION_USER, {"session_hash": digest(session_id)}).one_or_none()
    if row is None:
        return None
    web_session, user = row
    if not user.active or web_session.expires_at <= now:
        return None
    return user, web_session.csrf_token


def close_session(uow: UnitOfWork, session_id: str) -> None:
    """End a page session (logging out); an unknown id is ignored."""
    uow.session.execute(delete(WebSession).where(WebSession.session_hash == digest(session_id)))
    commit(uow)


def declare_conflict(
    uow: UnitOfWork, user: User, nomination_id: int, reason: str, now: datetime
) -> None:
    """Record that the user stands aside from a nomination; declaring twice changes nothing.

    NotFound for a nomination the user may not see, so ids do not leak.
    """
    nomination = visible_nomination(uow, actor_of(user), nomination_id)
    if not reason.strip():
        raise InvalidState(msg("error.conflict_reason_required"))
    exists = uow.session.scalar(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.user_id == user.id,
            ConflictDeclaration.nomination_id == nomination_id,
        )
    )
    if exists is not None:
        return
    uow.session.add(
        ConflictDeclaration(
            user_id=user.id, nomination_id=nomination_id, reason=reason, created_at=now
        )
    )
    entry = audit.AuditEntry.by(
        actor_of(user),
        trigger="declare_conflict",
        campaign_id=nomination.campaign_id,
        nomination_id=nomination_id,
        reason=reason,
    )
    audit.append(uow, now, entry)
    commit(uow)


def actor_of(user: User) -> Actor:
    """The actor a logged-in user acts as."""
    return Actor(
        name=user.display_name,
        role=user.role,
        department=user.department,
        unit_code=user.unit_code,
        email=user.email,
        user_id=user.id,
        username=user.username,
    )


def list_users(uow: UnitOfWork, actor: Actor) -> list[User]:
    """Every account, by username (administrators)."""
    require_role(actor, "admin")
    return list(uow.session.scalars(select(User).order_by(User.username)))


def find_user(uow: UnitOfWork, username: str) -> User:
    """An account by username."""
    user = uow.session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(msg("error.no_such", what=Label("thing", "user"), name=username))
    return user
