"""Insert many rows of a model in one statement: ``INSERT ... SELECT FROM unnest(arrays)``.

``bulk_create`` sends one parameter per value (tens of thousands per batch),
which the client-side binding then splits and quotes in Python; one array per
column costs a fraction of that. The columns and their defaults come from the
model itself, so a field added later is filled like ``bulk_create`` would
(columns with a database default are left to the database). Like
``bulk_create``, it sends no signals: callers invalidate what they must.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection


def _fields(model):
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and not getattr(field, "generated", False)
        and not field.has_db_default()
    ]


def insert_rows(model, rows: Sequence[Mapping]) -> list[int]:
    """Insert ``rows`` (``{attname: value}``; missing ones take the field default).

    Returns the new primary keys, in the order of ``rows``.
    """
    if not rows:
        return []
    fields = _fields(model)
    columns, arrays, casts = [], [], []
    for field in fields:
        default = field.get_default() if not all(field.attname in row for row in rows) else None
        values = [
            field.get_db_prep_save(row.get(field.attname, default), connection) for row in rows
        ]
        columns.append(connection.ops.quote_name(field.column))
        arrays.append(values)
        casts.append(f"%s::{field.db_type(connection)}[]")
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    names = ", ".join(columns)
    sql = (
        f"INSERT INTO {table} ({names}) SELECT {names} "
        f"FROM unnest({', '.join(casts)}) WITH ORDINALITY AS r({names}, n) "
        f"ORDER BY n RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, arrays)
        return [row[0] for row in cursor.fetchall()]
