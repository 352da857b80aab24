"""Benchmark exports end to end: request -> finished file, through a real Celery worker.

Usage: python -m bench.export [--runs 3] [--formats csv,xlsx,pdf]

On the 1,000,000-client database (``python -m bench.seed``): for searches of
about 10,000 and 50,000 clients and 15 columns, it times the whole job (the
request with its count, the queue, the worker streaming rows from PostgreSQL
and writing the file, until the job reads "done") and samples the worker
process's peak memory (RSS). Each job gets a fresh pool process
(``--max-tasks-per-child 1``), so the peak is that job's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time

from bench.common import ROOT, git_commit, print_table, summarize
from bench.seed import ensure_bench_database
from devstack.services import data_services

FIELDS = [
    "id_cliente", "cpf", "nome_completo", "data_nascimento", "idade", "sexo", "nome_mae",
    "email", "telefone", "endereco", "bairro", "cidade", "uf", "cep", "status",
]  # fmt: skip
# Searches of the seeded database near each size (clients with an address in the UF).
SIZES = {10_000: ["SE", "PI", "AL", "RO"], 50_000: ["BA", "PR", "RS", "PE"]}
TARGETS_S = {
    (10_000, "csv"): 0.5,
    (10_000, "xlsx"): 2.0,
    (10_000, "pdf"): 3.0,
    (50_000, "csv"): 2.0,
    (50_000, "xlsx"): 8.0,
    (50_000, "pdf"): 15.0,
}
MEMORY_TARGET_MB = 300


class PeakRss(threading.Thread):
    """Sample the worker's pool processes: peak RSS, and CPU time used.

    CPU time says what the job costs even when other processes share the
    cores (wall time on a loaded machine mostly measures the queue for them).
    """

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.peak = 0
        self.cpu: dict[int, float] = {}
        self.base: dict[int, float] = {}
        self.running = True

    def run(self):
        while self.running:
            try:
                for child in self.root.children():
                    self.peak = max(self.peak, child.memory_info().rss)
                    times = child.cpu_times()
                    used = times.user + times.system
                    self.cpu[child.pid] = used - self.base.setdefault(child.pid, used)
            except Exception:  # noqa: S110 - a child may exit between list and read
                pass
            time.sleep(0.02)


def _pick_search(cliente_search, size: int) -> tuple[dict, int]:
    best = None
    for uf in SIZES[size]:
        params = {"uf": uf, "status": "todos"}
        count = cliente_search(user=None, params=params).count()
        if count <= 50_000 and (best is None or abs(count - size) < abs(best[1] - size)):
            best = (params, count)
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="csv,xlsx,pdf")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "true")
    with data_services():
        url = ensure_bench_database()
        os.environ["DATABASE_URL"] = url
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
        media = ROOT / ".data" / "bench-media"
        os.environ["MEDIA_ROOT"] = str(media)
        return _run(args, url, media)


def _run(args, url: str, media) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.models import SystemSettings
    from accounts.roles import GERENTE, sync_roles
    from accounts.system_settings import forget_cached_settings
    from clientes.selectors import cliente_search
    from config.celery import app
    from reports.models import ExportJob
    from reports.services import export_request

    sync_roles()
    user, _ = get_user_model().objects.get_or_create(
        email="bench.exports@example.com", defaults={"nome": "Bench"}
    )
    user.groups.add(Group.objects.get(name=GERENTE))  # full CPFs: the costlier path
    SystemSettings.objects.update_or_create(pk=1, defaults={"export_sync_row_limit": 0})
    forget_cached_settings()
    app.control.purge()

    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            "--concurrency=1", "--max-tasks-per-child=1", "--loglevel=WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"bench-exports-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env={**os.environ, "DB_CONN_MAX_AGE": "0"},
    )  # fmt: skip
    rows = []
    try:
        time.sleep(3)  # let the worker connect before the first timing
        for size in SIZES:
            params, count = _pick_search(cliente_search, size)
            for fmt in args.formats.split(","):
                timings, peaks, cpus, file_size = [], [], [], 0
                for _run_index in range(args.runs + 1):  # the first run warms up
                    sampler = PeakRss(worker.pid)
                    sampler.start()
                    time.sleep(0.1)  # the first sample is the idle pool process
                    started = time.perf_counter()
                    job = export_request(user=user, params=params, fmt=fmt, fields=FIELDS).job
                    while True:
                        job.refresh_from_db()
                        if job.is_finished:
                            break
                        time.sleep(0.01)
                    elapsed = time.perf_counter() - started
                    sampler.running = False
                    sampler.join()
                    assert job.status == "done", job.error
                    if _run_index:
                        timings.append(elapsed * 1000)
                        peaks.append(sampler.peak / 2**20)
                        cpus.append(sum(sampler.cpu.values()))
                    file_size = job.size
                    job.file.delete(save=False)
                    ExportJob.objects.filter(pk=job.pk).delete()
                stats = summarize(timings)
                target = TARGETS_S[(size, fmt)]
                rows.append(
                    [
                        f"{count:,}", fmt, stats["p50"] / 1000, stats["p95"] / 1000,
                        stats["p99"] / 1000, f"{count / (stats['p50'] / 1000):,.0f}",
                        target, f"{stats['p50'] / 1000 / target:.2f}",
                        f"{sorted(cpus)[len(cpus) // 2]:.2f}", max(peaks),
                        f"{file_size / 2**20:.1f}",
                    ]
                )  # fmt: skip
                print(rows[-1], flush=True)
    finally:
        worker.terminate()
        worker.wait(30)
        SystemSettings.objects.update_or_create(pk=1, defaults={"export_sync_row_limit": 2000})
    load = os.getloadavg()
    print_table(
        f"Export, request -> finished file, 15 columns (commit {git_commit()}, "
        f"{args.runs} runs, load avg {load[0]:.2f})",
        [
            "rows", "format", "p50 (s)", "p95 (s)", "p99 (s)", "rows/s", "target (s)",
            "ratio to target", "worker CPU (s)",
            f"worker peak RSS (MB, target {MEMORY_TARGET_MB})", "file (MB)",
        ],
        rows,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
