"""The web's rate limits: their figures and storage from the settings (one Limiter per app).

The counting lives in `workflow/services/rate_limits.py`, the objection form's question in
`workflow/services/challenges.py`; the client's address in `web/client_address.py`
(forwarded addresses only from trusted proxies).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from config.settings import Settings
from workflow.services.rate_limits import Figures, Limiter


def figures(settings: Settings) -> Figures:
    """The login and public-objection limits the settings give."""
    return Figures(
        login_failures_per_account=settings.login_failures_per_account,
        login_failures_per_address=settings.login_failures_per_address,
        login_window=timedelta(minutes=settings.login_window_minutes),
        lockout=timedelta(minutes=settings.login_lockout_minutes),
        lockout_max=timedelta(minutes=settings.login_lockout_max_minutes),
        objections_per_address=settings.objections_per_address_hour,
        objections_per_nominee=settings.objections_per_nominee_hour,
        challenge_validity=timedelta(minutes=settings.challenge_minutes),
    )


def limiter(settings: Settings, prefix: str = "honorflow") -> Limiter:
    """The app's limiter over the configured storage (`memory://` counts in this process)."""
    key = settings.challenge_key
    # Without a configured key each process signs with its own: set one for several processes.
    secret = key.get_secret_value().encode() if key else secrets.token_bytes(32)
    return Limiter(settings.rate_limit_storage, figures(settings), prefix, secret)
