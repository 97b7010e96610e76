"""The web's rate limits: their figures from the settings, counted in the database.

The counting lives in `workflow/services/rate_limits.py` (a table every web process shares);
the client's address in `web/client_address.py` (forwarded addresses only from trusted proxies).
"""

from __future__ import annotations

from datetime import timedelta

from config.settings import Settings
from workflow.services.rate_limits import Limit, Limits


def limits(settings: Settings) -> Limits:
    """The login and public-objection limits the settings give."""
    minutes = timedelta(minutes=settings.login_window_minutes)
    return Limits(
        login_per_account=Limit("login_account", settings.login_failures_per_account, minutes),
        login_per_address=Limit("login_address", settings.login_failures_per_address, minutes),
        objections_per_address=Limit(
            "objection_address", settings.objections_per_address_hour, timedelta(hours=1)
        ),
    )
