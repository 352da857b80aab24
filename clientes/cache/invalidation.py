"""Invalidate cached clients after a write commits (and never on rollback).

Model signals cover every write made through ``save()``/``delete()`` (services,
the admin, the API, cascades). Writes that bypass signals — ``queryset.update``,
``bulk_create``, COPY — must call ``invalidate_on_commit`` themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import contextmanager
from functools import partial

from django.db import DEFAULT_DB_ALIAS, transaction

from clientes.cache.profiles import cpf_key, cpf_token_key, id_token_key, profile_key
from common import replicas
from common.cache import metrics, store, uncommitted

logger = logging.getLogger("clientes.cache")


def invalidate(*, ids: Iterable[int] = (), cpfs: Iterable[str] = ()) -> None:
    """Drop the cached profiles of these clients now and bump the search generation.

    Replacing the clients' invalidation tokens is what stops a reader that read
    the old rows from storing them afterwards (see ``store``). If Redis cannot be
    reached the miss is recorded in PostgreSQL and the epoch bumped on recovery.
    """
    ids, cpfs = set(ids), {c for c in cpfs if c}
    token_ttl = store.conf("TOKEN_TTL")
    try:
        with _invalidation_pipeline() as pipe:
            for id_cliente in ids:
                pipe.set(id_token_key(id_cliente), store.new_token(), ex=token_ttl)
                pipe.delete(profile_key(id_cliente))
            for cpf in cpfs:
                pipe.set(cpf_token_key(cpf), store.new_token(), ex=token_ttl)
                pipe.delete(cpf_key(cpf))
            pipe.set(
                store.generation_key(store.SEARCH),
                store.new_token(),
                ex=store.conf("GENERATION_TTL"),
            )
    except store.CacheUnavailable:
        store.record_missed_invalidation(ids=ids)
        return
    metrics.incr("invalidation")


def invalidate_all() -> None:
    """Make every cached profile, CPF answer and search invalid (bulk loads)."""
    ttl = store.conf("GENERATION_TTL")
    try:
        with _invalidation_pipeline() as pipe:
            for name in (store.PROFILES, store.SEARCH):
                pipe.set(store.generation_key(name), store.new_token(), ex=ttl)
    except store.CacheUnavailable:
        store.record_missed_invalidation(everything=True)
        return
    metrics.incr("invalidation")


def invalidate_on_commit(
    *, ids: Iterable[int] = (), cpfs: Iterable[str] = (), everything=False, using=None
) -> None:
    """Schedule an invalidation for when the current transaction commits.

    Outside a transaction it runs at once; in a transaction that rolls back
    (or a savepoint that does) it never runs.
    """
    ids, cpfs = list(ids), list(cpfs)
    uncommitted.note(ids=ids, cpfs=cpfs, everything=everything, using=using)
    if everything:
        callback = invalidate_all
    else:
        callback = partial(_invalidate_committed, ids=ids, cpfs=cpfs, using=using)
    transaction.on_commit(callback, using=using, robust=True)


def _invalidate_committed(*, ids, cpfs, using) -> None:
    invalidate(ids=ids, cpfs=cpfs)
    uncommitted.forget(ids=ids, cpfs=cpfs, using=using)


def forget_on_commit(*, cpfs: Iterable[str], using=None) -> None:
    """After the commit's invalidation, remove what it only made unreachable.

    For data that must not stay anywhere (LGPD anonymisation): invalidation
    leaves tokens naming the CPFs (``inv:cpf:<cpf>``, TOKEN_TTL) and old
    search pages (unreachable after the generation bump, until SEARCH_TTL).
    This deletes both. A reader racing the commit could still store a pointer
    under an old CPF; it would point to a client whose CPF differs, which
    ``profiles.get_by_cpf`` treats as not found, and it expires.
    """
    cpfs = [c for c in cpfs if c]
    transaction.on_commit(partial(_forget, cpfs), using=using, robust=True)


def _forget(cpfs: list[str]) -> None:
    try:
        with store.redis("invalidation") as conn:
            keys = [k for cpf in cpfs for k in (cpf_token_key(cpf), cpf_key(cpf))]
            keys += conn.scan_iter(match=store.key(store.SEARCH, "*"), count=1000)
            for start in range(0, len(keys), 1000):
                conn.unlink(*keys[start : start + 1000])
    except store.CacheUnavailable:
        pass  # tokens and pages expire (TOKEN_TTL, SEARCH_TTL); the miss is recorded already


def invalidate_profiles_on_commit(*, using=None) -> None:
    """Schedule a bump of the profiles generation (data every profile shows changed)."""
    transaction.on_commit(partial(_bump, store.PROFILES), using=using, robust=True)


def _bump(name: str) -> None:
    try:
        with _invalidation_pipeline() as pipe:
            pipe.set(store.generation_key(name), store.new_token(), ex=store.conf("GENERATION_TTL"))
    except store.CacheUnavailable:
        store.record_missed_invalidation(everything=True)


@contextmanager
def _invalidation_pipeline():
    """Yield a Redis transaction for an invalidation's commands, and run it.

    With read replicas it also records the primary's WAL position, which the
    invalidated data's readers must see replayed before they fill the cache.
    """
    position = replicas.wal_position(DEFAULT_DB_ALIAS) if replicas.configured() else None
    with store.redis("invalidation") as conn, conn.pipeline(transaction=True) as pipe:
        if position is not None:
            store.record_wal_position(pipe, position)
        yield pipe
        pipe.execute()
