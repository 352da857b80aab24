"""Import 100,000 clients from a CSV into the 1M database: dry run, apply, re-run, undo.

Usage: BENCH_DATABASE=bench_import python -m bench.imports [--rows 100000] [--kind csv|xlsx]

Writes a spreadsheet of ``--rows`` new clients (every column of issue #17
filled, CPFs the seed never uses), then runs, each in a fresh child process
the way a Celery worker runs ``imports.import_run`` (so its peak memory is the
worker's): the dry run, the apply, the same file again (``update``: every row
must come back "unchanged") and the undo, which leaves the database as it was.
Prints wall time, rows/s, the child's peak RSS and the ratio to each target
(dry run ≤ 30 s, apply ≤ 60 s, worker ≤ 300 MB). Run it on a private copy of
the 1M database (``BENCH_DATABASE``), migrated to this branch.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.common import git_commit, print_table, setup_django_on_bench_database

TARGETS = {"dry run": 30.0, "apply": 60.0, "re-run (update)": 60.0, "undo": None}
MEMORY_TARGET_MB = 300.0
HEADER = [
    "CPF", "Nome completo", "Data de nascimento", "Sexo", "Nome da mãe", "E-mail",
    "Telefone", "Celular", "CEP", "Logradouro", "Número", "Bairro", "Cidade", "UF",
]  # fmt: skip
FIRST = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabriela", "Heitor", "Íris", "João"]
LAST = ["Silva", "Souza", "Oliveira", "Santos", "Pereira", "Lima", "Araújo", "Gonçalves"]
CITIES = [("São Paulo", "SP", "01310"), ("Rio de Janeiro", "RJ", "20040"),
          ("Belo Horizonte", "MG", "30130"), ("Goiânia", "GO", "74000"),
          ("Recife", "PE", "50030"), ("Porto Alegre", "RS", "90010")]  # fmt: skip


def _cpf(n: int) -> str:
    from common.br import cpf_check_digits

    base = f"{n:09d}"
    return base + cpf_check_digits(base)


def write_file(path: Path, rows: int, kind: str) -> None:
    """Write ``rows`` new clients; CPF bases from 987,000,000 up (the seed draws at random)."""
    rng = random.Random(17)

    def records():
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            city, uf, cep = rng.choice(CITIES)
            yield [
                _cpf(987_000_000 + i), f"{first} {last} {i}",
                f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1940, 2005)}",
                rng.choice("MF"), f"Maria {last}", f"c{i}@ex.com",
                f"113{i % 10_000_000:07d}", f"119{rng.randint(10000000, 99999999)}",
                f"{cep}{rng.randint(0, 999):03d}", "Rua A", str(rng.randint(1, 999)), "Centro",
                city, uf,
            ]  # fmt: skip

    if kind == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(records())
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADER)
        for record in records():
            sheet.append(record)
        workbook.save(path)


def _cpu_seconds(process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _child(target, args, queue) -> None:
    """Run ``target(*args)`` in this fresh process; report seconds, peak RSS and CPU.

    CPU seconds of this process and of its PostgreSQL backend say what the
    phase costs whatever the machine's load: on idle cores the wall time is
    about their sum.
    """
    import psutil
    from django.db import connection

    setup_django_on_bench_database()
    connection.ensure_connection()
    backend = psutil.Process(connection.connection.info.backend_pid)
    me = psutil.Process()
    cpu_before = (_cpu_seconds(me), _cpu_seconds(backend))
    began = time.perf_counter()
    result = target(*args)
    seconds = time.perf_counter() - began
    result["cpu"] = (
        _cpu_seconds(me) - cpu_before[0],
        _cpu_seconds(backend) - cpu_before[1],
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak_mb, result))


def in_child(target, *args):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, args, queue))
    process.start()
    seconds, peak_mb, result = queue.get()
    process.join()
    return seconds, peak_mb, result


def run_job(job_id: str) -> dict:
    from imports.services import import_run

    job = import_run(job_id=job_id)
    return {
        "status": job.status,
        "error": job.error,
        "counts": (job.created, job.updated, job.unchanged, job.invalid),
    }


def undo_job(job_id: str, user_id: int) -> dict:
    from django.contrib.auth import get_user_model

    from imports.models import ImportJob
    from imports.undo import import_undo

    job = import_undo(
        user=get_user_model().objects.get(pk=user_id), job=ImportJob.objects.get(pk=job_id)
    )
    return {"status": job.status, "error": "", "counts": (len(job.undo_refused_ids),)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kind", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-imports-"))
    setup_django_on_bench_database()

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files import File

    from accounts.roles import GERENTE, sync_roles
    from clientes.models import Cliente
    from imports import services
    from imports.models import ImportStatus

    sync_roles()
    user, _ = get_user_model().objects.get_or_create(
        email="bench-imports@example.com", defaults={"nome": "Bench"}
    )
    user.groups.add(Group.objects.get(name=GERENTE))
    clients_before = Cliente.objects.count()
    path = Path(tempfile.mkdtemp()) / f"clientes.{args.kind}"
    write_file(path, args.rows, args.kind)
    size_mb = path.stat().st_size / 1024 / 1024
    print(f"{clients_before:,} clients; file of {args.rows:,} rows, {size_mb:.1f} MB ({args.kind})")

    def queued(dry_run: bool, on_conflict: str):
        with path.open("rb") as handle:
            job = services.import_upload(
                user=user, upload=File(handle, name=path.name), dry_run=dry_run,
                on_conflict=on_conflict,
            )  # fmt: skip
        job.status = ImportStatus.PENDING  # as import_start leaves it for the worker
        job.save(update_fields=["status"])
        return job

    results, applied = [], []
    for name, dry_run, on_conflict in (("dry run", True, "skip"), ("apply", False, "skip"),
                                       ("re-run (update)", False, "update")):  # fmt: skip
        job = queued(dry_run, on_conflict)
        seconds, peak_mb, result = in_child(run_job, str(job.pk))
        results.append((name, seconds, peak_mb, result))
        print(name, f"{seconds:.1f} s", f"{peak_mb:.0f} MB", result, file=sys.stderr)
        if not dry_run:
            applied.append(job)
    # Undo the re-run (it updated the seeded clients whose CPFs the file
    # shares, if any) and then the apply: the database is left as it was.
    for job in reversed(applied):
        seconds, peak_mb, result = in_child(undo_job, str(job.pk), user.pk)
    results.append(("undo", seconds, peak_mb, result))
    assert Cliente.objects.count() == clients_before, "undo left clients behind"

    load = os.getloadavg()
    commit = git_commit()
    rows = []
    for name, seconds, peak_mb, result in results:
        target = TARGETS[name]
        rows.append([
            name, f"{args.rows:,}", " / ".join(f"{c:,}" for c in result["counts"]),
            seconds, f"{args.rows / seconds:,.0f}",
            f"{seconds / target:.2f}" if target else "-", result["cpu"][0], result["cpu"][1],
            peak_mb, f"{peak_mb / MEMORY_TARGET_MB:.2f}",
        ])  # fmt: skip
    print_table(
        f"Import of {args.rows:,} rows ({args.kind}, {size_mb:.1f} MB) into {clients_before:,} "
        f"clients (commit {commit}, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})",
        ["phase", "rows", "created / updated / unchanged / invalid (undo: refused)",
         "wall (s)", "rows/s", "ratio to target", "worker CPU (s)", "PostgreSQL CPU (s)",
         "worker peak RSS (MB)", "ratio to 300 MB"],
        rows,
    )  # fmt: skip


if __name__ == "__main__":
    main()
