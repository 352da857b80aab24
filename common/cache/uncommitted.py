"""Clients written by the transaction in progress: reads of them bypass the cache.

The cache holds committed data only (invalidation runs after commit), so inside
a transaction that changed a client the cache would answer with the row as it
was before: reads of that client (and searches, after any client write) go to
PostgreSQL until the transaction ends, so a transaction always reads its own
writes. The record is tied to the outermost atomic block, so it ends with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections

_ATTRIBUTE = "_clientes_cache_uncommitted"


@dataclass
class _Writes:
    transaction: int
    ids: set = field(default_factory=set)
    cpfs: set = field(default_factory=set)
    everything: bool = False


def _current(conn, create: bool = False) -> _Writes | None:
    if not conn.in_atomic_block or not conn.atomic_blocks:
        return None
    outermost = id(conn.atomic_blocks[0])
    writes = getattr(conn, _ATTRIBUTE, None)
    if writes is None or writes.transaction != outermost:
        if not create:
            return None
        writes = _Writes(outermost)
        setattr(conn, _ATTRIBUTE, writes)
    return writes


def note(*, ids: Iterable = (), cpfs: Iterable = (), everything=False, using=None) -> None:
    """Remember that the transaction in progress (if any) wrote these clients."""
    writes = _current(connections[using or DEFAULT_DB_ALIAS], create=True)
    if writes is not None:
        writes.ids.update(ids)
        writes.cpfs.update(cpfs)
        writes.everything |= everything


def forget(*, ids: Iterable = (), cpfs: Iterable = (), using=None) -> None:
    """Drop clients whose invalidation ran (their commit happened)."""
    writes = getattr(connections[using or DEFAULT_DB_ALIAS], _ATTRIBUTE, None)
    if writes is not None:
        writes.ids.difference_update(ids)
        writes.cpfs.difference_update(cpfs)


def written(*, id_cliente=None, cpf=None, any_client=False) -> bool:
    """Return True if the transaction in progress wrote this client (or any, or all)."""
    writes = _current(connection)
    if writes is None:
        return False
    if writes.everything or (any_client and (writes.ids or writes.cpfs)):
        return True
    return id_cliente in writes.ids or cpf in writes.cpfs
