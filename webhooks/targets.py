"""Where a webhook may be sent, and sending it there.

Targets must be HTTPS on a public address. ``WEBHOOK_ALLOW_PRIVATE`` (for
development and tests) also allows plain HTTP and private, loopback and
link-local addresses. The host is resolved again at every delivery and the
connection goes to the address that was checked, so a DNS answer that
changes after registration (DNS rebinding) cannot point a webhook inward.
"""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TIMEOUT_SECONDS = 10
RESPONSE_READ_LIMIT = 4096


def _allowed_address(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return not (ip.is_multicast or ip.is_unspecified)
    return ip.is_global


def resolve_target(url: str) -> tuple[str, str, int, str]:
    """Return (scheme, host, port, checked IP) of ``url`` or raise ValidationError."""
    parts = urlsplit(url)
    allowed_schemes = ("https", "http") if settings.WEBHOOK_ALLOW_PRIVATE else ("https",)
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise ValidationError(_("Use uma URL https:// completa."), code="url_https")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise ValidationError(
            _("Não foi possível resolver o endereço de %(host)s."),
            code="url_resolve",
            params={"host": parts.hostname},
        ) from exc
    addresses = [info[4][0] for info in infos]
    # Every address must be acceptable: otherwise a second resolution could pick the other.
    if not addresses or not all(_allowed_address(a) for a in addresses):
        raise ValidationError(
            _("Endereços privados, locais ou de loopback não são permitidos."), code="url_privada"
        )
    return parts.scheme, parts.hostname, port, addresses[0]


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a checked IP, verifying the certificate for the host name."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post(url: str, body: bytes, headers: dict) -> int:
    """POST ``body`` to ``url`` (re-checked now) and return the status code.

    Raises ValidationError for a target no longer allowed, OSError for
    network failures. Redirects are not followed.
    """
    scheme, host, port, address = resolve_target(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        connection = _PinnedHTTPSConnection(
            host, port, address, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTPConnection(host, port, address, timeout=TIMEOUT_SECONDS)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_READ_LIMIT)
        return response.status
    finally:
        connection.close()
