"""Get-or-compute for one cache entry: validation, dogpile protection, guarded store.

``fetch`` is the one read path of the cache; ``cached`` is its generic form for
values keyed by a list of parts (search pages), invalidated by the ``search``
generation.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS
from django.db.utils import DatabaseError

from common import replicas
from common.cache import metrics, store, uncommitted

T = TypeVar("T")
logger = logging.getLogger("clientes.cache")

# Entries are refreshed by one request once this share of their TTL has passed,
# while the others keep getting the (still valid) current value.
SOFT_TTL_SHARE = 0.9
_POLL_SECONDS = 0.02


def fetch(
    *,
    kind: str,
    entry_key: str,
    generations: Sequence[str],
    guard_keys: Sequence[str],
    compute: Callable[[], T],
    ttl: Callable[[T], float],
    encode: Callable[[T], object] = lambda value: value,
    decode: Callable[[object], T] = lambda value: value,
) -> T:
    """Return the cached value of ``entry_key``, computing (and storing) it on a miss.

    ``guard_keys`` are the invalidation tokens whose change must prevent storing
    a value computed before it; they are read before ``compute`` runs. If Redis
    fails, ``compute()`` answers (PostgreSQL) and nothing is stored.
    """
    # With replicas, the WAL position of the latest invalidation is read with the guards.
    wal_keys = [store.wal_key()] if replicas.configured() else []
    try:
        with store.redis(f"{kind} read") as conn:
            gens, values = store.read_with_generations(
                conn, generations, [entry_key, *guard_keys, *wal_keys]
            )
            stamp = tuple(gens[name] for name in generations)
            guards = {store.generation_key(n): gens[n] for n in generations}
            guards.update(zip(guard_keys, values[1 : 1 + len(guard_keys)], strict=True))
            invalidated_at = values[-1] if wal_keys else None
            found = _valid(entry_key, values[0], stamp)
            if found is not None and time.time() < found[1]:
                metrics.lookup(kind, hit=True)
                return decode(found[2])
            lock = store.try_lock(conn, entry_key, store.conf("LOCK_WAIT_SECONDS") * 2)
            if lock is None:
                if found is not None:  # being refreshed: the current value is still valid
                    metrics.lookup(kind, hit=True)
                    return decode(found[2])
                waited = _wait_for_other(conn, entry_key, generations)
                if waited is not None:
                    metrics.lookup(kind, hit=True)
                    return decode(waited)
                # Gave up waiting: compute ourselves, with guards read now.
                gens, values = store.read_with_generations(
                    conn, generations, [*guard_keys, *wal_keys]
                )
                stamp = tuple(gens[name] for name in generations)
                guards = {store.generation_key(n): gens[n] for n in generations}
                guards.update(zip(guard_keys, values[: len(guard_keys)], strict=True))
                invalidated_at = values[-1] if wal_keys else None
    except store.CacheUnavailable:
        store.note_degraded_read(kind)
        metrics.note_outcome(kind, metrics.MISS)  # answered by PostgreSQL, not by the cache
        return compute()

    metrics.lookup(kind, hit=False)
    try:
        with _fill_source(invalidated_at):
            value = compute()
        _store(kind, entry_key, guards, stamp, value, ttl(value), encode)
    finally:
        if lock is not None:  # after the store: waiters find the value, not the lock
            _release(entry_key, lock)
    return value


def _fill_source(invalidated_at: bytes | None):
    """Send a cache fill's reads where they see every invalidation already read.

    A replica qualifies only once it has replayed the WAL position recorded
    with the latest invalidation: the guards stop values that an invalidation
    *after* them made stale, and this stops values older than one *before*
    them. Without a recorded position (a new Redis), fills read the primary.
    """
    alias = replicas.read_alias()
    if alias == DEFAULT_DB_ALIAS:
        return replicas.reading_from("primary")
    try:
        fresh = invalidated_at is not None and replicas.wal_position(alias) >= int(invalidated_at)
    except DatabaseError:
        fresh = False
    if not fresh:
        metrics.incr("replica_behind")
    return replicas.reading_from(alias if fresh else "primary")


def _valid(entry_key: str, raw: bytes | None, stamp: tuple):
    if raw is None:
        return None
    try:
        entry = store.unpack(entry_key, raw)
    except store.ForgedEntry:
        # Not written by us: someone else can write to our Redis. Recompute.
        logger.error("cache entry with an invalid signature ignored: %s", entry_key)
        return None
    except Exception:  # e.g. a layout that changed since: recompute, never fail
        logger.warning("unreadable cache entry ignored", exc_info=True)
        return None
    return entry if entry[0] == stamp else None


def _wait_for_other(conn, entry_key: str, generations: Sequence[str]):
    """Poll briefly for the value another request is computing; None on timeout."""
    metrics.incr("lock_wait")
    deadline = time.monotonic() + store.conf("LOCK_WAIT_SECONDS")
    while time.monotonic() < deadline:
        time.sleep(_POLL_SECONDS)
        gens, values = store.read_with_generations(conn, generations, [entry_key])
        found = _valid(entry_key, values[0], tuple(gens[name] for name in generations))
        if found is not None:
            return found[2]
    return None


def _release(entry_key: str, lock: bytes) -> None:
    try:
        with store.redis("lock release") as conn:
            store.release_lock(conn, entry_key, lock)
    except store.CacheUnavailable:
        pass  # the lock expires on its own


def _store(kind, entry_key, guards, stamp, value, ttl, encode) -> None:
    ttl = store.jittered(ttl)
    payload = store.pack(entry_key, stamp, time.time() + ttl * SOFT_TTL_SHARE, encode(value))
    try:
        with store.redis(f"{kind} write") as conn:
            store.guarded_set(conn, guards, [(entry_key, payload, ttl)])
    except store.CacheUnavailable:
        pass  # already logged; the next read computes again


def entry_key_for(namespace: str, key_parts: Sequence) -> str:
    """Return a short key for ``key_parts`` (any repr-stable values) in ``namespace``."""
    digest = hashlib.blake2b(repr(tuple(key_parts)).encode(), digest_size=16).hexdigest()
    return store.key(namespace, digest)


def cached(
    key_parts: Sequence,
    compute: Callable[[], T],
    *,
    namespace: str = "search",
    ttl: float | None = None,
    encode: Callable[[T], object] = lambda value: value,
    decode: Callable[[object], T] = lambda value: value,
) -> T:
    """Return ``compute()``, cached under ``key_parts`` until the next client write.

    Every client write bumps the ``search`` generation (after commit), which is
    part of every entry's stamp, so no value computed before a write is served
    after it. ``key_parts`` must already be normalised (same search, same parts)
    and ``encode(compute())`` plain data (``store.codec``). Inside a transaction that wrote a
    client, ``compute()`` answers directly (the cache has committed data only).
    """
    if uncommitted.written(any_client=True):
        return compute()
    return fetch(
        kind=namespace,
        entry_key=entry_key_for(namespace, key_parts),
        generations=(store.EPOCH, store.SEARCH),
        guard_keys=(),
        compute=compute,
        ttl=lambda _value: ttl if ttl is not None else store.conf("SEARCH_TTL"),
        encode=encode,
        decode=decode,
    )
