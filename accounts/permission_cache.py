"""Permissions of a user, cached in Redis across requests.

Django's ``ModelBackend`` runs two queries (user and group permissions) on
every request that checks a permission; every search and profile does. This
backend keeps the resulting set in Redis under the client cache's guarded
entries (``common.cache.entries.fetch``), stamped with the ``permissions``
generation. Any change to who has which permission (group membership, a
group's or user's permissions, a group or permission deleted) bumps that
generation after commit, so no set computed before the change is served after
it. If Redis is unavailable the backend answers from PostgreSQL, as Django's.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db import transaction

from common.cache import entries, store

PERMISSIONS = "permissions"
TTL_SECONDS = 3600


class CachedPermissionsBackend(ModelBackend):
    """``ModelBackend`` whose permission set lives in Redis between requests."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # Superuser status changes the answer without any m2m change: key on it.
            key = store.key(PERMISSIONS, user_obj.pk, int(user_obj.is_superuser))
            from_database = super().get_all_permissions
            user_obj._perm_cache = set(
                entries.fetch(
                    kind=PERMISSIONS,
                    entry_key=key,
                    generations=(store.EPOCH, PERMISSIONS),
                    guard_keys=(),
                    compute=lambda: frozenset(from_database(user_obj)),
                    ttl=lambda _value: TTL_SECONDS,
                )
            )
        return user_obj._perm_cache


def invalidate_permissions() -> None:
    """Make every cached permission set invalid once the current transaction commits."""
    transaction.on_commit(_bump, robust=True)


def _bump() -> None:
    try:
        with store.redis("permissions invalidation") as conn:
            conn.set(
                store.generation_key(PERMISSIONS),
                store.new_token(),
                ex=store.conf("GENERATION_TTL"),
            )
    except store.CacheUnavailable:
        # Recorded in PostgreSQL: the epoch (part of every stamp) is bumped on recovery.
        store.record_missed_invalidation(everything=True)
