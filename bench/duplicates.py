"""Probable duplicates on the 1M database: a full run, incremental runs, the warning.

Usage: BENCH_DATABASE=gestao_clientes_bench python -m bench.duplicates [--plant 1000]
       [--changed 1000,10000] [--probes 200]

Migrates the benchmark database, plants ``--plant`` known duplicates of random
clients (a quarter each: same name and birth date, a CPF one digit off with
the same name, the same phone with a spelling alike of the name, the same
mother and birth date; marked by nome_social "bench-dup" and replaced on the
next run), then times ``duplicates_refresh(full=True)`` (reporting how many
planted pairs it found), incremental runs after touching ``--changed``
random clients, and the single-client check behind the "Possível duplicado"
warning (``clientes.duplicates.matches_of``).
"""

from __future__ import annotations

import argparse
import os
import random
import time

from bench.common import git_commit, print_table, setup_django_on_bench_database, summarize

MARK = "bench-dup"


def _typo(cpf: str, is_valid) -> str | None:
    for p in range(11):
        for d in "0123456789":
            other = cpf[:p] + d + cpf[p + 1 :]
            if other != cpf and is_valid(other):
                return other
    return None


def _plant(cursor, count: int, rng: random.Random) -> set[tuple[int, int]]:
    from common.br import cpf_check_digits, is_valid_cpf

    cursor.execute(
        "DELETE FROM clientes_telefones t USING clientes c"
        " WHERE c.id_cliente = t.cliente_id AND c.nome_social = %s",
        [MARK],
    )
    cursor.execute("DELETE FROM duplicados_pares")
    cursor.execute("DELETE FROM clientes WHERE nome_social = %s", [MARK])
    cursor.execute("SELECT max(id_cliente) FROM clientes")
    top = cursor.fetchone()[0]
    cursor.execute(
        "SELECT c.id_cliente, c.cpf, c.nome_completo, c.data_nascimento, c.nome_mae,"
        " (SELECT numero FROM clientes_telefones t WHERE t.cliente_id = c.id_cliente LIMIT 1)"
        " FROM clientes c WHERE c.id_cliente = ANY(%s) AND c.data_nascimento IS NOT NULL"
        " AND c.nome_mae <> ''",
        [rng.sample(range(1, top + 1), count * 2)],
    )
    sources = cursor.fetchall()[:count]
    cursor.execute("SELECT cpf FROM clientes")
    taken = {row[0] for row in cursor.fetchall()}
    planted = []
    for i, (pk, cpf, nome, nasc, mae, phone) in enumerate(sources):
        kind = i % 4
        new_nome, new_nasc, new_mae, new_phone = nome, nasc, "", None
        while True:
            base = f"{rng.randrange(10**8, 10**9):09d}"
            new_cpf = base + cpf_check_digits(base)
            if new_cpf not in taken:
                break
        if kind == 1:
            typo = _typo(cpf, is_valid_cpf)
            if typo is None or typo in taken:
                continue
            new_cpf, new_nasc = typo, None
        elif kind == 2:
            if phone is None:
                continue
            new_nome = nome.replace("s", "z", 1) if "s" in nome else nome + " Filho"
            new_nasc, new_phone = None, phone
        elif kind == 3:
            new_nome, new_mae = "Fulano Planted Beltrano", mae
        taken.add(new_cpf)
        cursor.execute(
            "INSERT INTO clientes (cpf, nome_completo, nome_social, data_nascimento, sexo,"
            " nome_mae, email, ativo, motivo_inativacao, created_at, updated_at, versao)"
            " VALUES (%s, %s, %s, %s, '', %s, '', true, '', now(), now(), 1) RETURNING id_cliente",
            [new_cpf, new_nome, MARK, new_nasc, new_mae],
        )
        new_pk = cursor.fetchone()[0]
        if new_phone:
            cursor.execute(
                "INSERT INTO clientes_telefones (cliente_id, tipo, numero, principal)"
                " VALUES (%s, 'celular', %s, true)",
                [new_pk, new_phone],
            )
        planted.append((min(pk, new_pk), max(pk, new_pk)))
    return set(planted)


def _touch(cursor, count: int, rng: random.Random) -> None:
    cursor.execute("SELECT max(id_cliente) FROM clientes")
    top = cursor.fetchone()[0]
    cursor.execute(
        "UPDATE clientes SET updated_at = now() WHERE id_cliente = ANY(%s)",
        [rng.sample(range(1, top + 1), count)],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plant", type=int, default=1000)
    parser.add_argument("--changed", default="1000,10000")
    parser.add_argument("--probes", type=int, default=200)
    args = parser.parse_args()
    setup_django_on_bench_database()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from clientes.duplicates import matches_of
    from duplicates.models import ExecucaoDuplicados
    from duplicates.services import WATERMARK_OVERLAP, duplicates_refresh

    call_command("migrate", verbosity=0)
    rng = random.Random(17)
    with transaction.atomic(), connection.cursor() as cursor:
        planted = _plant(cursor, args.plant, rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clientes")
        cursor.execute("SELECT count(*) FROM clientes")
        total = cursor.fetchone()[0]
    rows = []
    load = os.getloadavg()[0]
    started = time.monotonic()
    run = duplicates_refresh(full=True)
    wall = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT cliente_a_id, cliente_b_id FROM duplicados_pares")
        found = set(cursor.fetchall())
    target_full = 600.0
    rows.append(["full", f"{run.comparados:,}", f"{run.pares:,}", wall, target_full,
                 f"{wall / target_full:.2f}", f"{load:.2f}"])  # fmt: skip
    recall = len(planted & found) / len(planted) if planted else float("nan")
    for changed in [int(n) for n in args.changed.split(",") if n]:
        # The last run "ends now" (its watermark overlap included), so only the
        # clients touched next count as changed, not the planted ones.
        ExecucaoDuplicados.objects.update(iniciada_em=timezone.now() + WATERMARK_OVERLAP)
        with transaction.atomic(), connection.cursor() as cursor:
            _touch(cursor, changed, rng)
        load = os.getloadavg()[0]
        started = time.monotonic()
        run = duplicates_refresh()
        wall = time.monotonic() - started
        target = 60.0
        rows.append([f"incremental, {changed:,} changed", f"{run.comparados:,}", f"{run.pares:,}",
                     wall, target, f"{wall / target:.2f}", f"{load:.2f}"])  # fmt: skip
    print_table(
        f"Probable duplicates on {total:,} clients (commit {git_commit()})",
        ["run", "clients compared", "pairs written", "wall (s)", "target (s)", "ratio", "load"],
        rows,
    )
    print(f"\nPlanted pairs found by the full run: {len(planted & found):,} of {len(planted):,} "
          f"({recall:.1%}); pairs in total: {len(found):,}")  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id_cliente) FROM clientes")
        top = cursor.fetchone()[0]
    timings = []
    load = os.getloadavg()[0]
    for pk in rng.sample(range(1, top + 1), args.probes):
        started = time.perf_counter()
        matches_of(pk)
        timings.append((time.perf_counter() - started) * 1000)
    stats = summarize(timings)
    target_ms = 100.0
    print_table(
        f"Warning check of one saved client (matches_of), {args.probes} random clients "
        f"(commit {git_commit()}, load {load:.2f})",
        ["n", "p50 (ms)", "p95 (ms)", "p99 (ms)", "max (ms)", "throughput (/s)", "target p95",
         "ratio"],
        [[stats["n"], stats["p50"], stats["p95"], stats["p99"], stats["max"],
          f"{1000 / stats['mean']:.1f}", target_ms, f"{stats['p95'] / target_ms:.2f}"]],
    )  # fmt: skip


if __name__ == "__main__":
    main()
