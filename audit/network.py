"""The client's IP address, believing X-Forwarded-For only from trusted proxies.

``settings.TRUSTED_PROXIES`` lists the addresses or networks (CIDR) of our own
reverse proxies. A request whose REMOTE_ADDR is not one of them gets
REMOTE_ADDR, whatever headers it sends: otherwise anyone could write any IP
into the audit trail (or dodge a lockout) with a forged header.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def parse_ip(value: str):
    """Return an ip_address object, or None for anything that is not an address."""
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address) -> bool:
    """Return True when ``address`` belongs to one of settings.TRUSTED_PROXIES."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return any(address in net for net in networks)


def client_ip(request) -> str | None:
    """Return the address of the client that made ``request`` (None if unknown).

    Walks X-Forwarded-For from the right, skipping our trusted proxies; the
    first address not ours is the client. Usable as AXES_CLIENT_IP_CALLABLE.
    """
    remote = parse_ip(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not is_trusted_proxy(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = parse_ip(hop)
        if address is None:
            break  # a garbled hop: trust nothing further left of it
        if not is_trusted_proxy(address):
            return str(address)
        remote = address
    return str(remote)
