"""Cached client profiles, by id and by CPF.

An entry holds plain field values (tuples), never model instances: a hit
rebuilds a ``Cliente`` with its addresses, phones and the two audit users
already attached, exactly what the profile selector returns, without SQL.

Keys: ``id:<id>`` -> profile (or "not found"), ``cpf:<cpf>`` -> client id (or
"not found", short TTL). A CPF hit reads the pointer, then the profile.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import models

from clientes.models import Cliente, Endereco, Telefone
from common.cache import store, uncommitted
from common.cache.entries import fetch

_NOT_FOUND = None
_USER_FIELDS = ("id", "email", "nome")


def profile_key(id_cliente: int) -> str:
    return store.key("id", id_cliente)


def cpf_key(cpf: str) -> str:
    return store.key("cpf", cpf)


def id_token_key(id_cliente: int) -> str:
    return store.key("inv", "id", id_cliente)


def cpf_token_key(cpf: str) -> str:
    return store.key("inv", "cpf", cpf)


def _attnames(model) -> list[str]:
    # Generated columns (search vectors, folded names) are search internals,
    # derived from the others: not cached, left deferred on rebuilt instances.
    return [
        f.attname for f in model._meta.concrete_fields if not isinstance(f, models.GeneratedField)
    ]


def _row(obj, model) -> tuple:
    return tuple(getattr(obj, name) for name in _attnames(model))


def _user_row(user) -> tuple | None:
    return None if user is None else tuple(getattr(user, name) for name in _USER_FIELDS)


def encode_profile(cliente: Cliente | None):
    """Return the compact, plain-data form (``codec``) of a client with its prefetched relations."""
    if cliente is None:
        return _NOT_FOUND
    return (
        _row(cliente, Cliente),
        [_row(e, Endereco) for e in cliente.enderecos.all()],
        [_row(t, Telefone) for t in cliente.telefones.all()],
        _user_row(cliente.created_by),
        _user_row(cliente.updated_by),
    )


def decode_profile(value) -> Cliente | None:
    """Rebuild the Cliente (relations prefetched, users attached) from ``encode_profile``."""
    if value is _NOT_FOUND:
        return None
    row, enderecos, telefones, created_by, updated_by = value
    cliente = Cliente.from_db("default", _attnames(Cliente), row)
    cliente._prefetched_objects_cache = {
        "enderecos": _prefetched(cliente, "enderecos", Endereco, enderecos),
        "telefones": _prefetched(cliente, "telefones", Telefone, telefones),
    }
    user_model = get_user_model()
    for field, user_row in (("created_by", created_by), ("updated_by", updated_by)):
        user = None if user_row is None else user_model.from_db("default", _USER_FIELDS, user_row)
        Cliente._meta.get_field(field).set_cached_value(cliente, user)
    return cliente


def _prefetched(cliente, related_name, model, rows):
    objects = [model.from_db("default", _attnames(model), r) for r in rows]
    fk = model._meta.get_field("cliente")
    for obj in objects:
        fk.set_cached_value(obj, cliente)
    # The same shape prefetch_related leaves behind: a queryset already evaluated.
    queryset = getattr(cliente, related_name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    return queryset


def get_by_id(id_cliente: int, *, load: Callable[[int], Cliente | None]) -> Cliente | None:
    """Return the profile of client ``id_cliente`` (None if absent), cached."""
    if uncommitted.written(id_cliente=id_cliente):
        return load(id_cliente)  # our own write, not committed: only PostgreSQL has it
    return fetch(
        kind="profile",
        entry_key=profile_key(id_cliente),
        generations=(store.EPOCH, store.PROFILES),
        guard_keys=(id_token_key(id_cliente),),
        compute=lambda: load(id_cliente),
        ttl=lambda cliente: store.conf("PROFILE_TTL" if cliente is not None else "NOT_FOUND_TTL"),
        encode=encode_profile,
        decode=decode_profile,
    )


def get_by_cpf(
    cpf: str,
    *,
    find_id: Callable[[str], int | None],
    load: Callable[[int], Cliente | None],
) -> Cliente | None:
    """Return the profile of the client with ``cpf`` (None if absent), cached.

    A hit (pointer and profile both cached) runs no SQL at all.
    """
    if uncommitted.written(cpf=cpf):
        found = find_id(cpf)
        return load(found) if found is not None else None
    id_cliente = fetch(
        kind="cpf",
        entry_key=cpf_key(cpf),
        generations=(store.EPOCH, store.PROFILES),
        guard_keys=(cpf_token_key(cpf),),
        compute=lambda: find_id(cpf),
        ttl=lambda found: store.conf("PROFILE_TTL" if found is not None else "NOT_FOUND_TTL"),
    )
    if id_cliente is None:
        return None
    cliente = get_by_id(id_cliente, load=load)
    if cliente is not None and cliente.cpf == cpf:
        return cliente
    # The pointer outlived a CPF change or a deletion: ask PostgreSQL directly.
    current = find_id(cpf)
    return load(current) if current is not None else None
