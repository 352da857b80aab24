"""Benchmark exports end to end: request -> finished file, through a real Celery worker.

Usage: python -m bench.export [--runs 3] [--formats csv,xlsx,pdf] [--sizes 10000,50000]

On the 1,000,000-client database (``python -m bench.seed``): for searches of
about 10,000 and 50,000 clients and 15 columns, it times the whole job (the
request with its count, the queue, the worker streaming rows from PostgreSQL
and writing the file, until the job reads "done") and samples the worker
process's peak memory (RSS). Each format gets its own worker, started before
its warm-up run and kept for its timed runs, as a deployed worker keeps its
pool processes (``--fresh-process``: a new pool process for every job, as the
first version of this benchmark did). A second table splits each job into
request, queue, generation and the poller's delay, from the job's timestamps.
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
# Consecutive phases of one job, from the job's own timestamps (same clock):
# the request (validation, count, insert, enqueue), the queue until the worker
# marks the job running, the generation until it marks it done, and the
# benchmark's polling until it sees "done".
PHASES = {
    "request": "request + count (s)",
    "queue": "queue -> worker start (s)",
    "generate": "generate file (s)",
    "seen": "done -> seen by poller (s)",
}


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
        children, listed = [], 0.0
        while self.running:
            # Listing children scans all of /proc (~2 ms): do it only now and
            # then, so the sampler does not compete with the worker for a core.
            if time.monotonic() - listed > 0.25:
                children, listed = self.root.children(), time.monotonic()
            for child in children:
                try:
                    self.peak = max(self.peak, child.memory_info().rss)
                    times = child.cpu_times()
                except Exception:  # noqa: S112 - the child may have exited
                    continue
                used = times.user + times.system
                self.cpu[child.pid] = used - self.base.setdefault(child.pid, used)
            time.sleep(0.02)


def _start_worker(*, fresh_process: bool) -> subprocess.Popen:
    """Start a Celery worker as deployed (prefork, pool processes kept between jobs).

    ``fresh_process`` replaces the pool process after every job (the first
    version of this benchmark did): its peak memory is then one job's, but
    every job also pays for a new process, which a deployed worker does not.
    """
    from django.conf import settings

    worker = subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
            "--concurrency=1", "--loglevel=WARNING",
            # Exports are routed to their own queue (CELERY_TASK_ROUTES): a
            # worker of the default queue alone never takes one, and the
            # benchmark waited forever.
            "-Q", settings.EXPORTS_QUEUE,
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"bench-exports-{os.getpid()}@%h",
            *(["--max-tasks-per-child=1"] if fresh_process else []),
        ],
        cwd=ROOT,
        # The first version also closed the database connection after every job.
        env={**os.environ, **({"DB_CONN_MAX_AGE": "0"} if fresh_process else {})},
    )  # fmt: skip
    time.sleep(3)  # let the worker connect before the first timing
    return worker


def _stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    worker.wait(30)


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
    parser.add_argument("--sizes", default=",".join(str(size) for size in SIZES))
    parser.add_argument(
        "--fresh-process", action="store_true", help="a new pool process for every job"
    )
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

    rows, phase_rows = [], []
    try:
        for size in (int(size) for size in args.sizes.split(",")):
            params, count = _pick_search(cliente_search, size)
            for fmt in args.formats.split(","):
                # A worker per format: its peak memory is this format's.
                worker = _start_worker(fresh_process=args.fresh_process)
                timings, peaks, cpus, file_size = [], [], [], 0
                spans = {name: [] for name in PHASES}
                for _run_index in range(args.runs + 1):  # the first run warms up
                    sampler = PeakRss(worker.pid)
                    sampler.start()
                    time.sleep(0.1)  # the first sample is the idle pool process
                    started = time.perf_counter()
                    started_at = time.time()
                    job = export_request(user=user, params=params, fmt=fmt, fields=FIELDS).job
                    requested_at = time.time()
                    while True:
                        job.refresh_from_db()
                        if job.is_finished:
                            break
                        time.sleep(0.01)
                    elapsed = time.perf_counter() - started
                    seen_at = time.time()
                    sampler.running = False
                    sampler.join()
                    assert job.status == "done", job.error
                    if _run_index:
                        timings.append(elapsed * 1000)
                        peaks.append(sampler.peak / 2**20)
                        cpus.append(sum(sampler.cpu.values()))
                        marks = [
                            started_at, requested_at, job.started_at.timestamp(),
                            job.finished_at.timestamp(), seen_at,
                        ]  # fmt: skip
                        for name, begin, end in zip(PHASES, marks[:-1], marks[1:], strict=True):
                            spans[name].append((end - begin) * 1000)
                    file_size = job.size
                    job.file.delete(save=False)
                    ExportJob.objects.filter(pk=job.pk).delete()
                _stop_worker(worker)
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
                phase_rows.append(
                    [f"{count:,}", fmt]
                    + [f"{summarize(spans[name])['p50'] / 1000:.2f}" for name in PHASES]
                    + [f"{stats['p50'] / 1000:.2f}"]
                )
    finally:
        if worker.poll() is None:
            _stop_worker(worker)
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
    print_table(
        f"Where the time goes, p50 of each phase (commit {git_commit()})",
        ["rows", "format", *PHASES.values(), "whole job (s)"],
        phase_rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
