"""Read the system parameters (Configurações) cheaply from any process.

Each process keeps the row for a few seconds: parameters change rarely, and
hot paths (exports, searches) must not pay a query each time.
"""

import time

from accounts.models import SystemSettings

_TTL_SECONDS = 10.0
_cached: tuple[float, SystemSettings] | None = None


def current_settings() -> SystemSettings:
    """Return the system parameters (this process's copy, at most 10 s old)."""
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] > _TTL_SECONDS:
        _cached = (now, settings_row())
    return _cached[1]


def settings_row() -> SystemSettings:
    """Return a fresh copy of the row from the database, created with defaults if missing."""
    row, _created = SystemSettings.objects.get_or_create(pk=1)
    return row


def forget_cached_settings() -> None:
    """Drop this process's copy (after a save, and between tests)."""
    global _cached
    _cached = None
