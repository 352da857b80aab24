"""Benchmark of the client cache on the 1M-client database, over HTTP.

Usage: python -m bench.cache [--seconds 60] [--skip-consistency]

1. Cached CPF lookup over HTTP (target p95 <= 5 ms) and its uncached first hit.
2. Cached repeat search over HTTP (target p95 <= 10 ms) and the uncached one:
   the search API and the search screen's HTMX partial (cliente_search_page).
3. Consistency run: 8 writers (ORM saves in this process, so the real signals
   and after-commit invalidation run) and 32 HTTP readers for 60 s; a read is
   stale when it returns a version older than the last write that had
   *returned* (committed and invalidated) before the read was sent.

Runs gunicorn (config/gunicorn.conf.py, 2 workers) with bench.settings, which
adds bench-only JSON routes over the real selectors (bench/urls.py).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

from bench.common import ROOT, git_commit, print_table, summarize
from bench.seed import ensure_bench_database
from devstack.embedded import free_port
from devstack.services import data_services

HOT_CLIENTS = 400
WRITERS, READERS = 8, 32
# Each writer pauses this long between writes (still ~100 writes/s in total), so
# the 32 readers get CPU too: the run needs many reads racing the writes.
WRITER_PAUSE = 0.05
SEARCHES = [
    {"uf": "SP", "status": "ativo"},
    {"cidade": "Curitiba"},
    {"idade_min": "30", "idade_max": "40", "uf": "RJ"},
    {"nome": "maria souza"},
    {"q": "silva", "uf": "MG"},
    {"status": "inativo", "uf": "BA"},
]


def _load() -> str:
    return open("/proc/loadavg").read().split()[0]


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "true")
    # The server checks our session's auth hash: it must share the secret key.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(64)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


def _session_cookie() -> str:
    """Return a session cookie of an Analista created in the bench database."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.middleware import start_session_clock
    from accounts.models import User
    from accounts.roles import ANALISTA, sync_roles

    sync_roles()
    user, _ = User.objects.get_or_create(email="bench-cache@example.com")
    user.groups.add(Group.objects.get(name=ANALISTA))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.permission_cache.CachedPermissionsBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    start_session_clock(session)
    session.save()
    return f"sessionid={session.session_key}"


class Server:
    def __init__(self, database_url: str):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "false",
            "HTTPS_ONLY": "false",
            "STATIC_MANIFEST": "false",
            "JWT_SIGNING_KEY": secrets.token_urlsafe(64),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "LOG_LEVEL": "WARNING",
            # One user sends 1,000 lookups in seconds: far past an analyst's
            # 600/min, which answered 429 on a quick run. The throttle still
            # runs (its Redis round trip is part of every API answer).
            "THROTTLE_USER_RATE": "100000000/min",
        }
        # .data/ exists only once an embedded service ran: not on a fresh
        # clone pointed at DATABASE_URL/REDIS_URL.
        (ROOT / ".data").mkdir(exist_ok=True)
        self.log = open(ROOT / ".data" / "bench-cache-gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
             "--access-logfile", "/dev/null", "config.wsgi"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start; see .data/bench-cache-gunicorn.log")

    def stop(self):
        self.process.terminate()
        self.process.wait(15)
        self.log.close()


class Client:
    """One keep-alive HTTP connection with the bench session."""

    def __init__(self, port: int, cookie: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.cache_counters = None
        self.headers = {"Cookie": cookie, "Host": "127.0.0.1"}

    def get(self, path: str) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        self.cache_counters = response.getheader("X-Bench-Cache")
        return response.status, body, (time.perf_counter() - started) * 1000


class WorkerCounters:
    """Profile hits/misses of each gunicorn worker, from the bench header."""

    def __init__(self):
        self.lock, self.first, self.last = threading.Lock(), {}, {}

    def see(self, header: str | None) -> None:
        if header:
            pid, hits, misses = header.split(",")
            with self.lock:
                self.first.setdefault(pid, (int(hits), int(misses)))
                self.last[pid] = (int(hits), int(misses))

    def hit_ratio(self) -> float:
        hits = sum(self.last[p][0] - self.first[p][0] for p in self.last)
        misses = sum(self.last[p][1] - self.first[p][1] for p in self.last)
        return hits / (hits + misses) if hits + misses else float("nan")


def _timed(client, paths) -> list[float]:
    timings = []
    for path in paths:
        status, body, ms = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path} -> {status}: {body[:200]!r}")
        timings.append(ms)
    return timings


def bench_lookups(server: Server, cookie: str) -> None:
    from django_redis import get_redis_connection

    from clientes.models import Cliente

    get_redis_connection("default").flushdb()
    cpfs = list(Cliente.objects.order_by("?").values_list("cpf", flat=True)[:500])
    client = Client(server.port, cookie)
    _timed(client, ["/health/"] * 50)  # warm the connection and the workers
    cold = _timed(client, [f"/bench/cpf/{cpf}/" for cpf in cpfs])
    warm = _timed(client, [f"/bench/cpf/{random.choice(cpfs)}/" for _ in range(3000)])
    rows = []
    for label, values, target in (
        ("CPF lookup, first (PostgreSQL + store)", cold, None),
        ("CPF lookup, cached", warm, 5.0),
    ):
        s = summarize(values)
        ratio = f"{s['p95'] / target:.2f}" if target else "—"
        rows.append([label, s["n"], s["p50"], s["p95"], s["p99"], target or "—", ratio])
    ids = list(Cliente.objects.filter(cpf__in=cpfs[:100]).values_list("id_cliente", flat=True))
    for label, template in (
        ("profile page /clientes/<id>/, cached", "/clientes/{}/"),
        ("API GET /api/v1/clients/<id>/, cached", "/api/v1/clients/{}/"),
    ):
        _timed(client, [template.format(i) for i in ids])  # warm
        s = summarize(_timed(client, [template.format(random.choice(ids)) for _ in range(1000)]))
        rows.append([label, s["n"], s["p50"], s["p95"], s["p99"], "—", "—"])
    for label, base in (
        ("API search /api/v1/clients/search", "/api/v1/clients/search?"),
        ("search screen /clientes/ (HTMX partial)", "/clientes/?"),
    ):
        searches = [base + urlencode(params) for params in SEARCHES]
        extra = {"HX-Request": "true"} if base.startswith("/clientes/") else {}
        client.headers.update(extra)
        cold_search = _timed(client, searches)
        warm_search = _timed(client, [random.choice(searches) for _ in range(1000)])
        for suffix, values, target in (
            (", first (PostgreSQL + store)", cold_search, None),
            (", cached repeat", warm_search, 10.0),
        ):
            s = summarize(values)
            ratio = f"{s['p95'] / target:.2f}" if target else "—"
            rows.append(
                [label + suffix, s["n"], s["p50"], s["p95"], s["p99"], target or "—", ratio]
            )
        for header in extra:
            del client.headers[header]
    print_table(
        f"Cache over HTTP, 1 client, keep-alive (commit {git_commit()}, load {_load()})",
        ["request", "n", "p50 ms", "p95 ms", "p99 ms", "target p95 ms", "ratio to target"],
        rows,
    )
    in_process(cpfs)
    throughput(server, cookie, cpfs)


def in_process(cpfs: list[str]) -> None:
    """Time the selector itself: a cache hit against the PostgreSQL read it replaces."""
    from clientes.selectors import _find_id_by_cpf, _load_profile, cliente_get_by_cpf
    from common.cache import metrics

    metrics.reset()
    for cpf in cpfs:
        cliente_get_by_cpf(user=None, cpf=cpf)
    hits, direct = [], []
    for _ in range(3000):
        cpf = random.choice(cpfs)
        started = time.perf_counter()
        cliente_get_by_cpf(user=None, cpf=cpf)
        hits.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        _load_profile(_find_id_by_cpf(cpf))
        direct.append((time.perf_counter() - started) * 1000)
    rows = []
    for label, values in (("cached: 2 Redis round trips", hits), ("PostgreSQL: 4 queries", direct)):
        s = summarize(values)
        rows.append([label, s["n"], s["p50"], s["p95"], s["p99"]])
    print_table(
        f"cliente_get_by_cpf in-process, same CPFs (commit {git_commit()}, load {_load()}, "
        f"hit ratio {metrics.hit_ratio('cpf'):.3f})",
        ["path", "n", "p50 ms", "p95 ms", "p99 ms"],
        rows,
    )


def throughput(server: Server, cookie: str, cpfs: list[str], threads=8, seconds=10) -> None:
    timings, stop = [], time.monotonic() + seconds

    def worker():
        client, mine = Client(server.port, cookie), []
        while time.monotonic() < stop:
            mine.append(client.get(f"/bench/cpf/{random.choice(cpfs)}/")[2])
        timings.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    s = summarize(timings)
    print_table(
        f"Cached CPF lookups, {threads} concurrent clients for {seconds} s "
        f"(commit {git_commit()}, load {_load()})",
        ["requests", "req/s", "p50 ms", "p95 ms", "p99 ms"],
        [[s["n"], s["n"] / seconds, s["p50"], s["p95"], s["p99"]]],
    )


_VERSION = re.compile(rb"w(\d+)")


def consistency(server: Server, cookie: str, seconds: int) -> None:
    from django.db import OperationalError, connection, transaction

    from clientes.cache.reconcile import reconcile
    from clientes.models import Cliente, Endereco

    clientes = Cliente.objects.order_by("id_cliente")
    hot = list(clientes.values_list("id_cliente", "cpf")[:HOT_CLIENTS])
    for id_cliente, _cpf in hot:  # version 0 everywhere, through the real signals
        cliente = Cliente.objects.get(pk=id_cliente)
        cliente.nome_social = "w0"  # versions go where no search trigger reads them
        cliente.save()
        for endereco in Endereco.objects.filter(cliente_id=id_cliente):
            endereco.cidade = "Cidade w0"
            endereco.save()
    committed = {id_cliente: 0 for id_cliente, _ in hot}
    stop = time.monotonic() + seconds
    counts = {"writes": 0, "reads": 0, "stale": 0, "errors": 0, "deadlocks": 0}
    lock = threading.Lock()
    workers = WorkerCounters()

    def writer(index):
        mine = [h for i, h in enumerate(hot) if i % WRITERS == index]
        try:
            while time.monotonic() < stop:
                id_cliente, _cpf = random.choice(mine)
                version = committed[id_cliente] + 1
                try:
                    with transaction.atomic():
                        cliente = Cliente.objects.select_for_update().get(pk=id_cliente)
                        cliente.nome_social = f"w{version}"
                        cliente.versao += 1
                        cliente.save()
                        if version % 2 == 0:  # every other write also changes the address
                            for endereco in Endereco.objects.filter(cliente_id=id_cliente):
                                endereco.cidade = f"Cidade w{version}"
                                endereco.save()
                except OperationalError:  # deadlock in the name-words trigger: rolled back
                    with lock:
                        counts["deadlocks"] += 1
                    continue
                # Returned: committed and invalidated. Reads sent from now on must see it.
                committed[id_cliente] = version
                with lock:
                    counts["writes"] += 1
                time.sleep(WRITER_PAUSE)
        finally:
            connection.close()

    def reader():
        client = Client(server.port, cookie)
        reads = stale = errors = 0
        while time.monotonic() < stop:
            id_cliente, cpf = random.choice(hot)
            expected = committed[id_cliente]
            path = f"/bench/cpf/{cpf}/" if reads % 2 else f"/bench/cliente/{id_cliente}/"
            try:
                status, body, _ms = client.get(path)
            except (OSError, http.client.HTTPException):
                errors += 1
                client = Client(server.port, cookie)
                continue
            if status != 200:
                errors += 1
                continue
            workers.see(client.cache_counters)
            nome, _, rest = body.partition(b'"versao"')  # nome_social first, then cities
            name_version = int(_VERSION.findall(nome)[-1])
            city_versions = [int(v) for v in _VERSION.findall(rest)]
            # The address changes on even versions only: it may lag by one.
            if name_version < expected or any(v < expected - 1 for v in city_versions):
                stale += 1
            reads += 1
        with lock:
            counts["reads"] += reads
            counts["stale"] += stale
            counts["errors"] += errors

    load_before = _load()
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    threads += [threading.Thread(target=reader) for _ in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = reconcile()
    share = counts["stale"] / counts["reads"] if counts["reads"] else float("nan")
    print_table(
        f"Consistency: {WRITERS} writers, {READERS} HTTP readers, {seconds} s, "
        f"{HOT_CLIENTS} hot clients (commit {git_commit()}, load {load_before} -> {_load()})",
        ["writes", "write deadlocks", "reads", "profile hit ratio", "stale reads after commit",
         "stale share", "consistency", "read errors", "reconcile: checked / stale"],
        [[counts["writes"], counts["deadlocks"], counts["reads"], f"{workers.hit_ratio():.2f}",
          counts["stale"], f"{share:.4%}", f"{1 - share:.4%}", counts["errors"],
          f"{report.checked} / {report.stale}"]],
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--skip-consistency", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "true")
    with data_services():
        url = ensure_bench_database()
        _setup_django(url)
        cookie = _session_cookie()
        server = Server(url)
        try:
            bench_lookups(server, cookie)
            if not args.skip_consistency:
                consistency(server, cookie, args.seconds)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
