"""Field-level before/after of a change, for the details of an audit event."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping


def _plain(value):
    """Return a JSON-friendly, comparable form of a field value."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if hasattr(value, "pk"):  # a related object: its key is what changed
        return value.pk
    return value


def snapshot(instance, fields: Iterable[str]) -> dict:
    """Return ``{field: value}`` of ``instance`` (foreign keys by their id)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _plain(getattr(instance, attname))
    return values


def snapshot_rows(rows: Iterable, fields: Iterable[str]) -> list[dict]:
    """Return snapshots of related rows (addresses, phones) in id order."""
    fields = list(fields)
    return [{"id": row.pk, **snapshot(row, fields)} for row in sorted(rows, key=lambda r: r.pk)]


def changes(before: Mapping, after: Mapping) -> dict:
    """Return ``{field: {"before": old, "after": new}}`` for the fields that differ."""
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }
