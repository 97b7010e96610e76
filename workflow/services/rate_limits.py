"""Rate limits kept in the database, so every web process of a deployment counts together.

A limit allows `count` hits per key within any `window`. Hits are rows (`rate_limit_hits`),
keyed by the SHA-256 of the key; a refused attempt is not counted, so a client that waits is
let in again as its oldest hits leave the window. Old rows are deleted as new ones are written.
Logins are limited per account (whatever the address: password guessing against one account)
and per address (whatever the account: one address spraying passwords over many accounts),
and only failures count, so an office behind one address logs in freely.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select

from config.catalogue import msg
from models import RateLimitHit, User
from models.uow import UnitOfWork
from workflow.errors import AuthenticationFailed, TooManyAttempts
from workflow.services import users

# Rows older than this are gone: longer than every window below.
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per key in any `window`."""

    bucket: str
    count: int
    window: timedelta


@dataclass(frozen=True)
class Limits:
    """The deployment's limits (figures from the settings, see web/ratelimit.py)."""

    login_per_account: Limit = Limit("login_account", 5, timedelta(minutes=5))
    login_per_address: Limit = Limit("login_address", 10, timedelta(minutes=5))
    objections_per_address: Limit = Limit("objection_address", 10, timedelta(hours=1))


def _key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def is_over(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> bool:
    """True when the key has used up its hits in the window ending now."""
    count = uow.session.scalar(
        select(func.count(RateLimitHit.id)).where(
            RateLimitHit.bucket == limit.bucket,
            RateLimitHit.key == _key(key),
            RateLimitHit.at > now - limit.window,
        )
    )
    return int(count or 0) >= limit.count


def record(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> None:
    """Count one hit (and forget hits older than a day); committed at once."""
    _count(uow, [(limit, key)], now)


def _count(uow: UnitOfWork, hits: list[tuple[Limit, str]], now: datetime) -> None:
    session = uow.session
    session.execute(delete(RateLimitHit).where(RateLimitHit.at < now - KEEP))
    for limit, key in hits:
        session.execute(insert(RateLimitHit).values(bucket=limit.bucket, key=_key(key), at=now))
    uow.commit()


def take(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> bool:
    """Count one hit if the key has one left; False (nothing counted) when it has not."""
    if is_over(uow, limit, key, now):
        return False
    record(uow, limit, key, now)
    return True


def login(
    uow: UnitOfWork, username: str, password: str, address: str, now: datetime, limits: Limits
) -> User:
    """Check a password within the login limits: per account and per address, failures only.

    TooManyAttempts when either limit is used up (the password is then not even checked);
    AuthenticationFailed, counted against both, when the name or password is wrong.
    """
    account = username.casefold()
    per_account, per_address = limits.login_per_account, limits.login_per_address
    if is_over(uow, per_account, account, now) or is_over(uow, per_address, address, now):
        raise TooManyAttempts(msg("error.web.too_many_logins"))
    try:
        return users.authenticate(uow, username, password, now)
    except AuthenticationFailed:
        uow.session.rollback()  # nothing of the failed check is kept but the count
        _count(uow, [(per_account, account), (per_address, address)], now)
        raise


def objection_allowed(uow: UnitOfWork, address: str, now: datetime, limits: Limits) -> bool:
    """Count one public objection from an address; False when the address has none left."""
    return take(uow, limits.objections_per_address, address, now)
