"""Bulk-load generated clients into PostgreSQL with COPY.

Into empty tables the loader drops the secondary indexes first and rebuilds
them after the load (much faster than maintaining them row by row); indexes
that back constraints (primary keys, unique CPF) stay in place.

The generator fills the client columns that the address triggers of
migrations 0006-0008 maintain, so those triggers are disabled for the load's
transaction: firing them would only recompute what the COPY already wrote.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection, transaction

from clientes.cache import invalidate_on_commit
from clientes.models import Cliente, Endereco, Telefone
from clientes.seed.generator import (
    CLIENTE_COLUMNS,
    ENDERECO_COLUMNS,
    TELEFONE_COLUMNS,
    ClientGenerator,
)

TABLES = (Cliente._meta.db_table, Endereco._meta.db_table, Telefone._meta.db_table)
# Insert triggers on addresses whose columns ``ClientGenerator`` computes itself.
PRECOMPUTED_TRIGGERS = ("enderecos_principal_insert", "enderecos_secundarios_insert")


@dataclass
class LoadReport:
    count: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """Return (name, definition) of indexes on our tables not backing a constraint."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
        """,
        [list(TABLES)],
    )
    return cursor.fetchall()


def _copy(cursor, table: str, columns: tuple[str, ...], payload: str) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(payload)


def _set_precomputed_triggers(cursor, *, enabled: bool) -> None:
    # ALTER TABLE is transactional: a load that fails leaves them enabled.
    verb = "ENABLE" if enabled else "DISABLE"
    for trigger in PRECOMPUTED_TRIGGERS:
        cursor.execute(f'ALTER TABLE {TABLES[1]} {verb} TRIGGER "{trigger}"')


def reset_clients() -> None:
    """Delete every client, address and phone (demo and benchmark databases only)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    invalidate_on_commit(everything=True)  # COPY and TRUNCATE bypass the model signals


def load_clients(count: int, seed: int, progress=None) -> LoadReport:
    """Generate ``count`` clients with ``seed`` and COPY them in; return timings."""
    report = LoadReport(count=count)
    started = time.perf_counter()
    generator = ClientGenerator(seed)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        invalidate_on_commit(everything=True)  # COPY bypasses the model signals
        empty = not Cliente.objects.exists()
        dropped = _secondary_indexes(cursor) if empty else []
        for name, _definition in dropped:
            cursor.execute(f'DROP INDEX "{name}"')
        _set_precomputed_triggers(cursor, enabled=False)
        first_id = (
            Cliente.objects.order_by("-id_cliente").values_list("id_cliente", flat=True).first()
            or 0
        ) + 1
        loaded = 0
        for batch in generator.batches(first_id, count):
            _copy(cursor, TABLES[0], CLIENTE_COLUMNS, batch.clientes)
            _copy(cursor, TABLES[1], ENDERECO_COLUMNS, batch.enderecos)
            _copy(cursor, TABLES[2], TELEFONE_COLUMNS, batch.telefones)
            loaded += batch.count
            if progress:
                progress(loaded, count)
        report.seconds["copy"] = time.perf_counter() - started
        index_started = time.perf_counter()
        # Django's foreign keys are DEFERRABLE: run their pending checks now,
        # since PostgreSQL cannot build an index on (or alter) a table with
        # pending events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _set_precomputed_triggers(cursor, enabled=True)
        for _name, definition in dropped:
            cursor.execute(definition)
        report.seconds["indexes"] = time.perf_counter() - index_started
        for table, pk in zip(TABLES, ("id_cliente", "id", "id"), strict=True):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{pk}'), "
                f"COALESCE((SELECT MAX({pk}) FROM {table}), 1))"
            )
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        # Statistics now, inside the load's transaction; the VACUUM that sets
        # the visibility map can only run after it (``vacuum_clients``).
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
    report.seconds["analyze"] = time.perf_counter() - analyze_started
    report.seconds["total"] = time.perf_counter() - started
    return report


def vacuum_clients() -> None:
    """VACUUM the client tables (outside any transaction).

    It sets the visibility map, so after a bulk load searches answer from
    covering indexes (index-only scans) and counts skip the heap, without
    waiting for autovacuum (which may be off, as on some CI machines).
    """
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM {table}")
