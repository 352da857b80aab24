"""LGPD anonymisation at scale: anonymise N clients (default 100,000) in batches.

Usage: BENCH_DATABASE=gestao_clientes_bench python -m bench.lgpd [--clients 100000]
       [--batch 1000] [--keep]

Picks N random clients of the benchmark database and runs the same service
the retention rule uses (``lgpd.anonymization.clientes_anonymize``), one
transaction per batch, while a probe thread keeps updating *other* clients
through ``clientes.services.cliente_update`` and times each write: if a batch
locked the table, the probe would wait for it. Afterwards the anonymised rows,
their addresses and phones, and the name vocabulary are restored from a copy
taken before (unless ``--keep``), so the shared benchmark database stays
usable; the audit events the run added stay (the trail is append-only).
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time

from bench.common import (
    bench_services,
    git_commit,
    print_table,
    setup_django_on_bench_database,
    summarize,
)

# Columns of clientes a restore writes back (generated ones follow by themselves;
# the principal/other address columns follow the address triggers).
_CLIENT_COLUMNS = (
    "cpf", "nome_completo", "nome_social", "data_nascimento", "sexo", "nome_mae", "email",
    "ativo", "motivo_inativacao", "updated_at", "updated_by_id", "versao", "bloqueado",
    "anonimizado_em", "consentimentos",
)  # fmt: skip
_ADDRESS_COLUMNS = ("cep", "logradouro", "numero", "complemento", "bairro")


def _setup():
    setup_django_on_bench_database()


def _snapshot(cursor, ids: list[int]) -> None:
    cursor.execute("CREATE TEMP TABLE bench_lgpd_ids (id bigint PRIMARY KEY)")
    cursor.execute("INSERT INTO bench_lgpd_ids SELECT unnest(%s::bigint[])", [ids])
    cursor.execute(
        "CREATE TEMP TABLE bench_lgpd_clientes AS SELECT c.* FROM clientes c"
        " JOIN bench_lgpd_ids i ON i.id = c.id_cliente"
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_lgpd_enderecos AS SELECT e.* FROM clientes_enderecos e"
        " JOIN bench_lgpd_ids i ON i.id = e.cliente_id"
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_lgpd_telefones AS SELECT t.* FROM clientes_telefones t"
        " JOIN bench_lgpd_ids i ON i.id = t.cliente_id"
    )
    cursor.execute("CREATE TEMP TABLE bench_lgpd_palavras AS SELECT * FROM clientes_nome_palavras")


def _restore(cursor) -> None:
    sets = ", ".join(f"{c} = b.{c}" for c in _CLIENT_COLUMNS)
    cursor.execute(
        f"UPDATE clientes c SET {sets} FROM bench_lgpd_clientes b WHERE c.id_cliente = b.id_cliente"
    )
    sets = ", ".join(f"{c} = b.{c}" for c in _ADDRESS_COLUMNS)
    cursor.execute(
        f"UPDATE clientes_enderecos e SET {sets} FROM bench_lgpd_enderecos b WHERE e.id = b.id"
    )
    cursor.execute(
        "INSERT INTO clientes_telefones (id, cliente_id, tipo, numero, principal)"
        " SELECT id, cliente_id, tipo, numero, principal FROM bench_lgpd_telefones"
    )
    # The restore's name changes fed the vocabulary: put back the exact copy.
    cursor.execute("DELETE FROM clientes_nome_palavras")
    # Named columns: the vocabulary's phonetic key (fonetica) is generated.
    cursor.execute(
        "INSERT INTO clientes_nome_palavras (palavra, frequencia)"
        " SELECT palavra, frequencia FROM bench_lgpd_palavras"
    )


def _probe(stop: threading.Event, ids: list[int], samples: list[float], errors: list) -> None:
    """Update random clients outside the anonymised set, timing each write."""
    from django.db import connection

    from clientes import services
    from clientes.models import Cliente

    rng = random.Random(7)
    try:
        while not stop.is_set():
            pk = rng.choice(ids)
            versao = Cliente.objects.filter(pk=pk).values_list("versao", flat=True).first()
            if versao is None:
                continue
            started = time.perf_counter()
            services.cliente_update(
                actor=None, id_cliente=pk, versao=versao, data={"nome_social": "Sonda LGPD"}
            )
            samples.append((time.perf_counter() - started) * 1000)
            services.cliente_update(
                actor=None, id_cliente=pk, versao=versao + 1, data={"nome_social": ""}
            )
            time.sleep(0.05)
    except Exception as exc:  # reported in the table, never hidden
        errors.append(repr(exc))
    finally:
        connection.close()


def _main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--keep", action="store_true", help="leave the clients anonymised")
    args = parser.parse_args()
    _setup()

    from django.db import connection, transaction

    from clientes.models import Cliente
    from clientes.search.matching import by_name
    from lgpd import anonymization

    ids = list(
        Cliente.objects.filter(anonimizado_em__isnull=True).values_list("id_cliente", flat=True)
    )
    total = len(ids)
    rng = random.Random(2026)
    chosen = sorted(rng.sample(ids, min(args.clients, total)))
    chosen_set = set(chosen)
    others = [i for i in rng.sample(ids, min(50_000, total)) if i not in chosen_set][:5_000]
    sample_name = Cliente.objects.get(pk=chosen[0]).nome_completo

    with connection.cursor() as cursor:
        _snapshot(cursor, chosen)
    probe_ms: list[float] = []
    probe_errors: list = []
    stop = threading.Event()
    probe = threading.Thread(target=_probe, args=(stop, others, probe_ms, probe_errors))
    probe.start()
    started = time.perf_counter()
    try:
        result = anonymization.clientes_anonymize(
            actor=None, ids=chosen, motivo="Benchmark de anonimização", batch_size=args.batch
        )
    finally:
        elapsed = time.perf_counter() - started
        stop.set()
        probe.join()
    still_found = by_name(Cliente.objects.filter(pk=chosen[0]), sample_name).exists()
    if not args.keep:
        with transaction.atomic(), connection.cursor() as cursor:
            _restore(cursor)
        from clientes.cache import invalidate_all

        invalidate_all()

    batches = summarize(result.lotes_ms)
    probe_summary = summarize(probe_ms)
    rate = len(result.anonimizados) / elapsed if elapsed else float("nan")
    load = os.getloadavg()[0]
    print_table(
        f"Anonymise {len(chosen):,} of {total:,} clients, batches of {args.batch} "
        f"(commit {git_commit()}, load {load:.2f})",
        ["measure", "value"],
        [
            ["clients anonymised", f"{len(result.anonimizados):,}"],
            ["kept by a legal hold", f"{len(result.retidos):,}"],
            ["wall time (s)", f"{elapsed:.1f}"],
            ["clients per second", f"{rate:,.0f}"],
            ["batch (one transaction) p50 / p95 / max ms",
             f"{batches['p50']:.0f} / {batches['p95']:.0f} / {batches['max']:.0f}"],
            ["concurrent update of another client p50 / p95 / max ms (n)",
             f"{probe_summary['p50']:.1f} / {probe_summary['p95']:.1f} / "
             f"{probe_summary['max']:.1f} ({probe_summary['n']})"],
            ["probe errors", "; ".join(probe_errors) or "none"],
            ["old name still finds the first client", str(still_found)],
            ["restored afterwards", str(not args.keep)],
        ],
    )  # fmt: skip


def main() -> None:
    # PostgreSQL/Redis started (embedded) if DATABASE_URL/REDIS_URL are unset,
    # the bench database built if missing: runs on a fresh clone.
    with bench_services():
        return _main()


if __name__ == "__main__":
    main()
