"""PostgreSQL read replicas: which database serves a read.

``DATABASE_REPLICA_URLS`` adds one alias per replica (``replica_0``,
``replica_1``, ...). Reads of the registry's data (``REPLICA_APPS``: clients,
the audit trail, usage metrics) go to a healthy replica; everything else, and
every write, goes to ``default`` (the primary). Accounts, sessions, lockouts
and export jobs always read the primary: they are small, and a login must
never fail because a replica has not replayed the session yet.

A read goes to the primary instead when:

* it runs inside a transaction on the primary (a transaction never mixes the
  two: what it wrote is visible to what it reads);
* the request is a write (POST, PUT, PATCH, DELETE), or its user wrote within
  ``READ_YOUR_WRITES_SECONDS`` (``ReadYourWritesMiddleware`` pins the user in
  Redis, so the rule holds whichever app node answers next);
* no replica is healthy: each replica's lag is measured at most every
  ``REPLICA_CHECK_SECONDS`` per process, and one further behind than
  ``REPLICA_MAX_LAG_SECONDS`` (or unreachable) leaves the rotation until it
  catches up. With every replica out, the primary serves and a warning is
  logged.

The cache must never be filled from a replica that has not replayed an
invalidation its reader already saw: see ``common.cache.entries``, which
fills only from a replica whose replayed WAL position is at least the one
recorded with the latest invalidation (``wal_position``).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

logger = logging.getLogger("common.replicas")

REPLICA_PREFIX = "replica_"
REPLICA_APPS = frozenset({"clientes", "audit", "monitoring"})

# Per request (or task): "primary" forces the primary; a replica alias forces
# that replica (a cache fill that checked its position); None lets the router choose.
_forced: contextvars.ContextVar[str | None] = contextvars.ContextVar("db_forced", default=None)
# The request being served, to decide lazily whether its user is pinned.
_request: contextvars.ContextVar = contextvars.ContextVar("db_request", default=None)

_LAG_SQL = """
SELECT CASE
         WHEN NOT pg_is_in_recovery() THEN NULL
         WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
         ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
       END
"""


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def configured() -> bool:
    return bool(replica_aliases())


class _Health:
    """Each replica's last measured lag (seconds, or None when unusable), per process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at: dict[str, float] = {}
        self.lag: dict[str, float | None] = {}
        self.warned_at = 0.0

    def usable(self, alias: str) -> bool:
        now = time.monotonic()
        if now - self.checked_at.get(alias, -1e9) >= settings.REPLICA_CHECK_SECONDS:
            self.checked_at[alias] = now  # one measurement per interval, even if it fails
            self.lag[alias] = _measure_lag(alias)
        lag = self.lag.get(alias)
        return lag is not None and lag <= max_lag()

    def note_all_out(self) -> None:
        now = time.monotonic()
        with self.lock:
            if now - self.warned_at < 10:
                return
            self.warned_at = now
        logger.warning(
            "no read replica is usable (lag %s): reads served by the primary",
            {alias: self.lag.get(alias) for alias in replica_aliases()},
        )


_health = _Health()
_rotation = 0


def reset_health() -> None:
    """Forget measured lags (tests that stop or pause a replica)."""
    global _health
    _health = _Health()


def _measure_lag(alias: str) -> float | None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_LAG_SQL)
            lag = cursor.fetchone()[0]
    except DatabaseError:
        connections[alias].close()
        logger.warning("read replica %s is unreachable: out of the rotation", alias)
        return None
    if lag is None:
        logger.warning("database %s is not a replica (not in recovery): not used", alias)
        return None
    return float(lag)


def max_lag() -> float:
    return settings.REPLICA_MAX_LAG_SECONDS


def status() -> dict[str, float | None]:
    """Return each replica's lag as last measured now (None: out of the rotation)."""
    return {alias: _measure_lag(alias) for alias in replica_aliases()}


def healthy_replica() -> str | None:
    """Return the next usable replica alias in rotation, or None."""
    global _rotation
    aliases = replica_aliases()
    for _ in range(len(aliases)):
        _rotation = (_rotation + 1) % len(aliases)
        alias = aliases[_rotation]
        if _health.usable(alias):
            return alias
    if aliases:
        _health.note_all_out()
    return None


def _user_pinned(request) -> bool:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    pinned = getattr(request, "_reads_from_primary", None)
    if pinned is None:
        user = getattr(request, "user", None)
        pinned = bool(user and user.is_authenticated and _pin_exists(user.pk))
        request._reads_from_primary = pinned
    return pinned


def read_alias() -> str:
    """Return the alias that a read of the registry's data should use now."""
    forced = _forced.get()
    if forced == "primary" or not configured():
        return DEFAULT_DB_ALIAS
    if forced:
        return forced
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    request = _request.get()
    if request is not None and _user_pinned(request):
        return DEFAULT_DB_ALIAS
    return healthy_replica() or DEFAULT_DB_ALIAS


@contextmanager
def reading_from(alias: str):
    """Send the block's reads of the registry's data to ``alias`` ("primary" or a replica)."""
    token = _forced.set(alias)
    try:
        yield
    finally:
        _forced.reset(token)


@contextmanager
def one_database():
    """Run the block's registry reads on one database, chosen now; yield its alias.

    A search runs several statements (a transaction with planner settings,
    the match query, the page's rows): they must all see the same database.
    """
    alias = read_alias()
    with reading_from("primary" if alias == DEFAULT_DB_ALIAS else alias):
        yield alias


def wal_position(alias: str) -> int:
    """Return the WAL position (bytes) written on the primary, or replayed on a replica."""
    function = "pg_current_wal_lsn()" if alias == DEFAULT_DB_ALIAS else "pg_last_wal_replay_lsn()"
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT ({function} - '0/0'::pg_lsn)::bigint")
        return int(cursor.fetchone()[0] or 0)


# --- Read-your-writes ------------------------------------------------------------


def _pin_key(user_id) -> str:
    return f"db-primary-pin:{user_id}"


def _pin_exists(user_id) -> bool:
    from django.core.cache import cache

    try:
        return bool(cache.get(_pin_key(user_id)))
    except Exception:  # Redis down: the safe answer is the primary
        logger.warning("read-your-writes pin unreadable: reading the primary", exc_info=True)
        return True


def pin_user(user_id) -> None:
    """Send this user's reads to the primary for READ_YOUR_WRITES_SECONDS."""
    from django.core.cache import cache

    try:
        cache.set(_pin_key(user_id), 1, timeout=settings.READ_YOUR_WRITES_SECONDS)
    except Exception:
        logger.warning("read-your-writes pin not stored", exc_info=True)


class ReadYourWritesMiddleware:
    """Route a request's reads (see ``read_alias``) and pin users who write."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        user = getattr(request, "user", None)
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and user is not None
            and user.is_authenticated
        ):
            pin_user(user.pk)
        return response


class ReplicaRouter:
    """Database router: registry reads to ``read_alias()``, everything else to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label not in REPLICA_APPS:
            return DEFAULT_DB_ALIAS
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the same data as the primary

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS
