"""The client's IP address, believing X-Forwarded-For only from our own proxies.

Anyone can send an ``X-Forwarded-For`` header. If we believed it blindly, an
attacker could pick a fresh "IP" for every login attempt (never reaching the
lockout) or claim a victim's IP (locking the victim out). So the header counts
only when the TCP peer (``REMOTE_ADDR``) is one of ``settings.TRUSTED_PROXIES``,
and then we walk it from the right, skipping our own proxies: the first address
that is not ours is the client. Whatever the client wrote to the left of that
is ignored.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def parse_ip(value):
    """Return an ip_address object, or None for anything that is not an address."""
    try:
        return ipaddress.ip_address(str(value).strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def is_trusted_proxy(address) -> bool:
    """Return True when ``address`` (text or ip_address) is one of TRUSTED_PROXIES."""
    parsed = parse_ip(address or "")
    return parsed is not None and _is_trusted(parsed, _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """Return the address of the client that sent ``request``."""
    remote = request.META.get("REMOTE_ADDR", "")
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = parse_ip(remote)
    if peer is None or not networks or not _is_trusted(peer, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = peer
    for hop in reversed([h for h in forwarded.split(",") if h.strip()]):
        address = parse_ip(hop)
        if address is None:
            # A garbled entry: nothing to its left can be trusted.
            break
        client = address
        if not _is_trusted(address, networks):
            break
    return str(client)
