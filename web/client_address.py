"""Who is asking: the socket's peer, or — behind a trusted proxy only — the forwarded address.

`X-Forwarded-For` is written by whoever sends the request, so it counts only when the peer is a
proxy the settings trust (`trusted_proxies`, addresses or networks; none by default). Then the
address is the right-most entry that is not itself a trusted proxy: entries to its left were
written by the client and prove nothing. Rate limits key on this address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache

from fastapi import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _is_trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # not an address at all ("unknown", a test client's name)
        return False
    return any(ip in network for network in networks)


def client_address(request: Request) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy."""
    peer = request.client.host if request.client else "unknown"
    networks = _networks(tuple(request.app.state.wiring.settings.trusted_proxies))
    if not _is_trusted(peer, networks):
        return peer
    forwarded = [
        entry.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for entry in header.split(",")
        if entry.strip()
    ]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            return address
    return forwarded[0] if forwarded else peer
