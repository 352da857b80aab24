"""Cache values as data that cannot execute: MessagePack with a few tagged types.

Anything that can write one key to Redis must not be able to run code in our
processes, so nothing read from Redis goes through ``pickle``. Values are plain
data (None, bool, int, float, str, bytes, list, dict) plus the few types our
entries hold, each tagged with a MessagePack extension code and rebuilt by
the code below, never by a class named in the data: tuples (profile rows and
generation stamps must compare equal to the originals), dates and times,
``Decimal``, ``UUID`` and sets. Lazy translations are stored as their text.

``MsgpackSerializer`` applies the same codec to everything stored through
django-redis (``CACHES["default"]["OPTIONS"]["SERIALIZER"]``).
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import msgpack
from django.utils.functional import Promise
from django_redis.serializers.base import BaseSerializer


class UndecodableValue(ValueError):
    """Bytes that are not a value this codec wrote."""


_TUPLE, _DATE, _DATETIME, _TIME, _DECIMAL, _UUID, _FROZENSET, _SET = range(1, 9)


def _default(obj):
    # With strict_types, subclasses (datetime is a date, bool an int) reach here
    # only if not exactly a MessagePack type, so each is tagged as what it is.
    if isinstance(obj, tuple):
        return msgpack.ExtType(_TUPLE, encode(list(obj)))
    if isinstance(obj, datetime.datetime):
        return msgpack.ExtType(_DATETIME, obj.isoformat().encode())
    if isinstance(obj, datetime.date):
        return msgpack.ExtType(_DATE, obj.isoformat().encode())
    if isinstance(obj, datetime.time):
        return msgpack.ExtType(_TIME, obj.isoformat().encode())
    if isinstance(obj, Decimal):
        return msgpack.ExtType(_DECIMAL, str(obj).encode())
    if isinstance(obj, uuid.UUID):
        return msgpack.ExtType(_UUID, obj.bytes)
    if isinstance(obj, frozenset):
        return msgpack.ExtType(_FROZENSET, encode(sorted(obj, key=repr)))
    if isinstance(obj, set):
        return msgpack.ExtType(_SET, encode(sorted(obj, key=repr)))
    if isinstance(obj, Promise):
        return str(obj)
    if isinstance(obj, dict):  # a dict subclass (OrderedDict, ...): its items
        return dict(obj)
    if isinstance(obj, list):
        return list(obj)
    if isinstance(obj, bool | int | float | str | bytes):
        return obj
    raise TypeError(f"cannot store a {type(obj).__name__} in the cache")


_DECODERS = {
    _TUPLE: lambda data: tuple(decode(data)),
    _DATE: lambda data: datetime.date.fromisoformat(data.decode()),
    _DATETIME: lambda data: datetime.datetime.fromisoformat(data.decode()),
    _TIME: lambda data: datetime.time.fromisoformat(data.decode()),
    _DECIMAL: lambda data: Decimal(data.decode()),
    _UUID: lambda data: uuid.UUID(bytes=data),
    _FROZENSET: lambda data: frozenset(decode(data)),
    _SET: lambda data: set(decode(data)),
}


def _ext_hook(code: int, data: bytes):
    decoder = _DECODERS.get(code)
    if decoder is None:
        raise UndecodableValue(f"unknown extension type {code}")
    return decoder(data)


def encode(value) -> bytes:
    """Return ``value`` as MessagePack bytes; TypeError for a type we do not store."""
    return msgpack.packb(value, default=_default, strict_types=True, use_bin_type=True)


def decode(raw: bytes):
    """Return the value ``encode`` wrote; ``UndecodableValue`` for anything else."""
    try:
        return msgpack.unpackb(raw, ext_hook=_ext_hook, raw=False, strict_map_key=False)
    except UndecodableValue:
        raise
    except Exception as exc:  # msgpack's many error types, bad dates, ...
        raise UndecodableValue(str(exc)) from exc


class MsgpackSerializer(BaseSerializer):
    """django-redis serializer over this codec (no pickle for anything in Redis)."""

    def dumps(self, value) -> bytes:
        return encode(value)

    def loads(self, value: bytes):
        return decode(value)
