"""Network facts the audit trail stores: addresses it can trust and parse.

The client IP itself is ``common.client_ip.client_ip`` (the one rule for
lockout, throttling and audit: X-Forwarded-For only from TRUSTED_PROXIES).
"""

from __future__ import annotations

from common.client_ip import client_ip as _client_ip
from common.client_ip import is_trusted_proxy, parse_ip

__all__ = ["client_ip", "is_trusted_proxy", "parse_ip"]


def client_ip(request) -> str | None:
    """Return the client's address as stored in audit events (None if not an IP).

    A unix-socket peer has an empty REMOTE_ADDR: the event records no IP
    rather than failing on the ``inet`` column.
    """
    address = parse_ip(_client_ip(request) or "")
    return str(address) if address is not None else None
