"""Keyset cursors of /api/v1/clients/search: opaque and tamper-proof.

A cursor carries the last row's sort value, which may be personal data (a
CPF, a name, a birth date): it is encrypted and authenticated (Fernet:
AES-CBC + HMAC-SHA256) with a key derived from ``SECRET_KEY`` (and its
fallbacks, so rotating the key does not break cursors in flight). Decoding the
base64 shows nothing; changing one character makes it invalid.
"""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

_SALT = "clientes.api.cursors"


class InvalidCursor(ValueError):
    """The cursor was not made by this server (or was changed)."""


def _cipher() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    keys = [
        base64.urlsafe_b64encode(
            salted_hmac(_SALT, "fernet", secret=secret, algorithm="sha256").digest()
        )
        for secret in secrets
    ]
    return MultiFernet([Fernet(key) for key in keys])


def cursor_encode(state: dict) -> str:
    """Return the opaque cursor of ``state`` (JSON-serialisable)."""
    plain = json.dumps(state, separators=(",", ":")).encode()
    return _cipher().encrypt(plain).decode("ascii")


def cursor_decode(token: str) -> dict:
    """Return the state of a cursor made by ``cursor_encode``, or raise InvalidCursor."""
    try:
        state = json.loads(_cipher().decrypt(token.encode("ascii")))
    except (InvalidToken, UnicodeEncodeError, ValueError) as error:
        raise InvalidCursor from error
    if not isinstance(state, dict):
        raise InvalidCursor
    return state
