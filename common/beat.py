"""Celery beat that schedules only while it holds a PostgreSQL advisory lock.

Two beats (a deploy that overlaps the old one, a second host started by
mistake, the ``ha`` profile's standby) would send every periodic task twice.
Each beat asks for one session-level advisory lock on a connection of its own
(not Django's, which beat closes and reopens between ticks, and closing it
would release the lock). The beat holding it schedules; any other stands by,
asking again every ``STANDBY_POLL_SECONDS``, and takes over once the holder's
connection ends (its process or host died).
"""

from __future__ import annotations

import logging

import psycopg
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger("common.beat")

LOCK_KEY = int.from_bytes(b"gc-beat", "big")
STANDBY_POLL_SECONDS = 5.0


def _conninfo() -> dict:
    db = settings.DATABASES["default"]
    params = {
        "dbname": db["NAME"],
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return {k: v for k, v in params.items() if v is not None}


class SingleBeatScheduler(DatabaseScheduler):
    """``DatabaseScheduler`` that sends nothing unless this beat holds the lock."""

    _lock_connection: psycopg.Connection | None = None
    _holding = False
    _said_standby = False

    def tick(self, *args, **kwargs):
        if not self._hold_lock():
            return STANDBY_POLL_SECONDS
        return super().tick(*args, **kwargs)

    def _hold_lock(self) -> bool:
        try:
            if self._lock_connection is None or self._lock_connection.closed:
                self._holding = False
                self._lock_connection = psycopg.connect(
                    **_conninfo(), autocommit=True, connect_timeout=5
                )
            if self._holding:
                self._lock_connection.execute("SELECT 1")  # still ours while it lives
                return True
            row = self._lock_connection.execute(
                "SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]
            ).fetchone()
        except psycopg.Error as exc:
            if self._holding:
                logger.warning("beat lost its lock connection (%s): standing by", exc)
            self._close()
            return False
        self._holding = bool(row[0])
        if self._holding:
            logger.info("beat lock acquired: this beat sends the periodic tasks")
            self._said_standby = False
        elif not self._said_standby:
            logger.info("another beat holds the lock: standing by")
            self._said_standby = True
        return self._holding

    def _close(self) -> None:
        self._holding = False
        if self._lock_connection is not None:
            self._lock_connection.close()
            self._lock_connection = None

    def close(self):
        self._close()
        super().close()
