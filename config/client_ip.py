"""The client's IP address, and which proxies may tell us what it is.

Only a reverse proxy listed in TRUSTED_PROXIES (addresses or networks, e.g.
``172.18.0.0/16`` for the compose network) may set X-Forwarded-For and
X-Forwarded-Proto; anyone else could forge them to dodge throttling, lockout
and the audit trail, or to pass as HTTPS. Everything that needs the client's
IP (throttling, lockout, audit) calls :func:`client_ip`.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

# Headers only a trusted proxy may send (request.META names).
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_REAL_IP")


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry)


def _parse(address: str):
    try:
        return ipaddress.ip_address(address.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    """Return True when ``address`` belongs to a configured trusted proxy."""
    ip = _parse(address or "")
    if ip is None:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """Return the IP of the client: the peer, or what a trusted proxy says it is.

    X-Forwarded-For is read right to left, skipping our own proxies, so a value
    the client prepended itself is never believed.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if not is_trusted_proxy(peer):
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if _parse(hop) is None:
            break
        if not is_trusted_proxy(hop):
            return hop
    return peer


class TrustedProxyMiddleware:
    """Drop proxy headers that did not come from a trusted proxy.

    First in MIDDLEWARE, so SecurityMiddleware's HTTPS redirect and
    ``request.is_secure()`` (SECURE_PROXY_SSL_HEADER) never see a forged
    X-Forwarded-Proto.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            for header in PROXY_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
