"""Deactivate ~50,000 clients of the 1M database in one bulk action, searches running meanwhile.

Usage: BENCH_DATABASE=gestao_clientes_bench python -m bench.bulk [--clients 50000]
       [--searchers 2] [--baseline-seconds 10]

Picks the UF whose active clients are the fewest at or above ``--clients`` and
runs the action the way a Celery worker does (``clientes.bulk``: snapshot,
then batches of ``BATCH_SIZE``, one transaction each), in this process. Meanwhile
``--searchers`` threads replay searches of the screen's selector (cold: the search
cache is off, as in bench.search) on their own connections. Prints the snapshot
and run times, each batch transaction's duration (how long its rows stay locked
for other writers; readers never wait: MVCC), and search p50/p95 before and
during the run. Then reactivates the same clients (timed too), leaving the
database as it was.
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

SEARCHES = [
    {"q": "maria silva"}, {"q": "jose santos"}, {"nome": "ana paula"}, {"q": "oliveira"},
    {"cidade": "sao paulo", "idade_min": "60"}, {"cidade": "goiania"},
    {"uf": "RJ", "idade_max": "30"},
    {"q": "mari silv"}, {"uf": "MG", "status": "ativo"}, {"cidade": "recife", "sexo": "F"},
]  # fmt: skip


def _setup() -> None:
    os.environ["CACHE_SEARCH_TTL"] = "0"  # every search runs its SQL
    setup_django_on_bench_database()


def _pick_uf(target: int) -> tuple[str, int]:
    """Return the UF with the fewest active clients at or above ``target`` (principal address)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT e.uf, count(*) FROM clientes c
               JOIN clientes_enderecos e ON e.cliente_id = c.id_cliente AND e.principal
               WHERE c.ativo GROUP BY e.uf ORDER BY count(*)"""
        )
        counts = cursor.fetchall()
    above = [(uf, n) for uf, n in counts if n >= target]
    return above[0] if above else counts[-1]


class Searchers:
    """Threads searching through the selector until stopped, recording latencies (ms)."""

    def __init__(self, user, threads: int):
        self.user, self.threads = user, threads
        self.samples: list[float] = []
        self.errors = 0
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def _run(self, seed: int) -> None:
        from django.db import connection

        from clientes.selectors import cliente_search_page

        rng = random.Random(seed)
        try:
            while not self._stop.is_set():
                params = rng.choice(SEARCHES)
                began = time.perf_counter()
                try:
                    cliente_search_page(user=self.user, params=params, page=rng.randint(1, 3))
                except Exception:
                    self.errors += 1
                    continue
                self.samples.append((time.perf_counter() - began) * 1000)
        finally:
            connection.close()

    def __enter__(self):
        for n in range(self.threads):
            worker = threading.Thread(target=self._run, args=(n,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for worker in self._workers:
            worker.join()


def _timed_run(job) -> dict:
    from clientes import bulk

    batches: list[float] = []
    began = time.perf_counter()
    job = bulk.bulk_run(job_id=job.pk, on_batch=lambda stats: batches.append(stats.seconds * 1000))
    return {"job": job, "run_s": time.perf_counter() - began, "batches": summarize(batches)}


def _deactivate(user, params: dict) -> dict:
    from clientes import bulk
    from clientes.models import BulkAction

    began = time.perf_counter()
    job = bulk.bulk_prepare(user=user, action="deactivate", params=params, motivo="bench.bulk")
    snapshot_s = time.perf_counter() - began
    BulkAction.objects.filter(pk=job.pk).update(status="pending")  # confirmed, as the view does
    return {**_timed_run(job), "snapshot_s": snapshot_s}


def _reactivate(user, ids: list[int]) -> dict:
    """Reactivate exactly ``ids`` (not every inactive client of the UF: some were before)."""
    from clientes.models import BulkAction, Cliente

    began = time.perf_counter()
    rows = list(Cliente.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "versao"))
    job = BulkAction.objects.create(
        owner=user,
        action="reactivate",
        status="pending",
        ids=[pk for pk, _versao in rows],
        versoes=[versao for _pk, versao in rows],
    )
    return {**_timed_run(job), "snapshot_s": time.perf_counter() - began}


def _main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--searchers", type=int, default=2)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    args = parser.parse_args()
    _setup()

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import GERENTE, sync_roles
    from accounts.system_settings import forget_cached_settings, settings_row
    from clientes import bulk
    from clientes.models import Cliente

    sync_roles()
    user, _ = get_user_model().objects.get_or_create(
        email="bench-bulk@example.com", defaults={"nome": "Bench"}
    )
    user.groups.add(Group.objects.get(name=GERENTE))
    row = settings_row()
    limit_before, row.bulk_row_limit = row.bulk_row_limit, 1_000_000
    row.save(update_fields=["bulk_row_limit"])
    forget_cached_settings()
    uf, expected = _pick_uf(args.clients)
    total = Cliente.objects.count()
    print(f"{total:,} clients; deactivating the {expected:,} active clients of uf={uf}")

    with Searchers(user, args.searchers) as baseline:
        time.sleep(args.baseline_seconds)
    with Searchers(user, args.searchers) as during:
        deactivation = _deactivate(user, {"uf": uf})
    reactivation = _reactivate(user, deactivation["job"].changed_ids)
    row.bulk_row_limit = limit_before
    row.save(update_fields=["bulk_row_limit"])

    commit = git_commit()
    rows = []
    for name, result in (("deactivate", deactivation), ("reactivate", reactivation)):
        job, batches = result["job"], result["batches"]
        rows.append([
            name, f"{job.total:,}", f"{len(job.changed_ids):,}", result["snapshot_s"],
            result["run_s"], f"{job.total / max(result['run_s'], 1e-9):,.0f}",
            f"{batches['n']} x {bulk.BATCH_SIZE}", batches["p50"], batches["p95"], batches["max"],
        ])  # fmt: skip
    print_table(
        f"Bulk action on uf={uf} of {total:,} clients (commit {commit})",
        ["action", "snapshot", "changed", "snapshot (s)", "run (s)", "clients/s", "batches",
         "lock p50 ms", "lock p95 ms", "lock max ms"],
        rows,
    )  # fmt: skip
    search_rows = []
    for name, run in (("before (alone)", baseline), ("during the deactivation", during)):
        stats = summarize(run.samples)
        search_rows.append([name, stats["n"], stats["p50"], stats["p95"], stats["p99"], run.errors])
    print_table(
        f"Searches meanwhile ({args.searchers} threads, cold cache; commit {commit})",
        ["searches", "n", "p50 ms", "p95 ms", "p99 ms", "errors"],
        search_rows,
    )


def main() -> None:
    # PostgreSQL/Redis started (embedded) if DATABASE_URL/REDIS_URL are unset,
    # the bench database built if missing: runs on a fresh clone.
    with bench_services():
        return _main()


if __name__ == "__main__":
    main()
