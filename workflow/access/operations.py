"""Who may read the operator's metrics: a bearer of the metrics token, else the loopback only.

Without a token configured, a request that came through a proxy (it carries forwarding
headers) is refused even from 127.0.0.1: a proxy on the same machine would otherwise hand
the metrics to anyone outside.
"""

from __future__ import annotations

import ipaddress
import secrets


def may_read_metrics(
    peer: str, forwarded: bool, sent_token: str | None, expected_token: str | None
) -> bool:
    """True for the right token; without a configured token, for a direct loopback request."""
    if expected_token:
        return sent_token is not None and secrets.compare_digest(
            sent_token.encode("utf-8"), expected_token.encode("utf-8")
        )
    return not forwarded and _is_loopback(peer)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:  # "testclient" and other names are not addresses
        return False
