"""Network facts the audit trail stores: addresses it can trust and parse.

The client IP itself is ``accounts.client_ip.client_ip`` (the one rule for
lockout, throttling and audit: X-Forwarded-For only from TRUSTED_PROXIES).
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

from accounts.client_ip import client_ip as _client_ip


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def parse_ip(value: str):
    """Return an ip_address object, or None for anything that is not an address."""
    try:
        return ipaddress.ip_address(value.strip())
    except (ValueError, AttributeError):
        return None


def is_trusted_proxy(address) -> bool:
    """Return True when ``address`` belongs to one of settings.TRUSTED_PROXIES."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    return any(address in net for net in networks)


def client_ip(request) -> str | None:
    """Return the client's address as stored in audit events (None if not an IP).

    A unix-socket peer has an empty REMOTE_ADDR: the event records no IP
    rather than failing on the ``inet`` column.
    """
    address = parse_ip(_client_ip(request) or "")
    return str(address) if address is not None else None
