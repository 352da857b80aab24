"""Client search over HTTP on 1,000,000 clients: latency per query kind, throughput, plans.

Usage: python -m bench.search [--rounds N] [--concurrency C]

Builds (or reuses) the benchmark database (bench.seed), starts gunicorn with
the production configuration (config/gunicorn.conf.py, DEBUG off, collected
static files), logs in an analyst and replays a realistic mix of searches of
the screen and the API, cold cache (CACHE_SEARCH_TTL=0: every request runs the SQL). Prints
p50/p95/p99 per kind against the targets, throughput, and EXPLAIN ANALYZE of
the slowest kinds; fails if any kind's plan scans the clientes table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode

from bench.common import ROOT, git_commit, print_table, summarize
from devstack.services import data_services

PORT = int(os.environ.get("BENCH_PORT", "8765"))
EXACT_CPF_P95_MS = 15.0
SEARCH_P95_MS = 100.0
SEARCH_P99_MS = 250.0
MAX_MS = 500.0

COMMON_NAMES = [
    "maria", "jose silva", "santos", "ana paula", "joao pereira", "oliveira",
    "francisco", "maria jose", "antonio carlos", "souza", "lucas", "silva santos",
]  # fmt: skip
PARTIAL_NAMES = ["mari silv", "jo sant", "fern oliv", "ant carl", "lu ferr", "adri alv",
                 "ped sou", "gabr", "conc", "carl rib"]  # fmt: skip
CITIES = [("sao paulo", "SP"), ("rio de janeiro", "RJ"), ("belo horizonte", "MG"),
          ("goiania", "GO"), ("recife", "PE"), ("curitiba", "PR"), ("fortaleza", "CE"),
          ("sao luis", "MA"), ("maceio", "AL"), ("cuiaba", "MT")]  # fmt: skip
AGES = [(18, 29), (30, 44), (45, 59), (60, 130), (25, 35), (40, 50)]
TYPOS = ["maira silva", "jsoe santos", "fransisca oliveira", "tiago sousza", "reanta soares",
         "antonoi pereira", "luciaan costa", "marcoss lima"]  # fmt: skip


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    # The server must read the session we create: same signing key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("DEBUG", "true")  # in-process only: sampling and EXPLAIN
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _sample(rng: random.Random) -> dict:
    """Real clients to search for (their CPFs, names, phones, e-mails)."""
    from django.db import connection

    with connection.cursor() as cursor:
        # Ids up to the database's own size (BENCH_CLIENTS may be smaller than 1M).
        cursor.execute("SELECT coalesce(max(id_cliente), 0) FROM clientes")
        top = cursor.fetchone()[0]
        cursor.execute(
            """
            SELECT c.cpf, c.nome_completo, c.nome_mae, c.email, t.numero
            FROM clientes c JOIN clientes_telefones t ON t.cliente_id = c.id_cliente
            WHERE c.id_cliente = ANY(%s) AND t.principal
            """,
            [rng.sample(range(1, top + 1), min(400, top))],
        )
        return {"rows": cursor.fetchall()}


def query_mix(rng: random.Random, sample: dict) -> dict[str, list[tuple[str, dict]]]:
    """Return {kind: [(path, params), ...]}: what analysts and integrators send."""
    from clientes.search.parsing import fold
    from common.br import format_cpf, format_phone

    rows = sample["rows"]
    screen, api = "/clientes/", "/api/v1/clients/search"
    mix = {
        "CPF exato (mascarado)": [(screen, {"q": format_cpf(r[0])}) for r in rows[:100]],
        "CPF exato (API, sem máscara)": [(api, {"cpf": r[0]}) for r in rows[100:200]],
        "CPF prefixo": [(screen, {"q": r[0][:6]}) for r in rows[200:260]],
        "nome comum": [(screen, {"q": n}) for n in COMMON_NAMES],
        "nome raro (completo)": [(screen, {"q": fold(r[1])}) for r in rows[260:320]],
        "nome parcial": [(screen, {"q": n}) for n in PARTIAL_NAMES],
        "nome da mãe": [(screen, {"nome_mae": fold(r[2])}) for r in rows[320:360]],
        "telefone": [(screen, {"q": format_phone(r[4])}) for r in rows[360:400]],
        "e-mail": [(screen, {"q": r[3]}) for r in rows[:60] if r[3]],
        "cidade+UF+idade": [
            (screen, {"cidade": c, "uf": uf, "idade_min": lo, "idade_max": hi})
            for c, uf in CITIES
            for lo, hi in AGES[:3]
        ],
        "facetas amplas": [
            (screen, {"uf": "SP"}),
            (screen, {"idade_min": 30, "idade_max": 44}),
            (screen, {"q": "silva", "status": "ativo"}),
            (screen, {"q": "maria", "sexo": "F", "uf": "BA"}),
            (screen, {"criado_de": "2024-01-01"}),
            (api, {"q": "santos", "size": 100}),
        ],
        "páginas profundas": [
            (screen, {"q": "maria", "page": 200}),
            (screen, {"q": "santos", "page": 150, "ordering": "-idade"}),
            (api, {"q": "silva", "page": 100, "size": 100}),
            (screen, {"uf": "RJ", "page": 180, "ordering": "cpf"}),
        ],
        "erro de digitação": [(screen, {"q": t}) for t in TYPOS],
    }
    return mix


def _session_cookie() -> str:
    """Log a Gerente in (a real session row) and return the cookie header.

    A Gerente, not an Analista: the "CPF prefixo" kind needs the full-CPF
    permission (who sees masks searches a CPF only whole, issue #13).
    """
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from accounts.roles import GERENTE, sync_roles

    sync_roles()
    user, _created = User.objects.get_or_create(
        email="bench.gerente@example.com", defaults={"nome": "Bench"}
    )
    user.set_password(secrets.token_urlsafe(16))
    user.save()
    user.groups.add(Group.objects.get(name=GERENTE))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.permission_cache.CachedPermissionsBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def _start_server(url: str, static_root: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "JWT_SIGNING_KEY": secrets.token_urlsafe(64),
        "HTTPS_ONLY": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": static_root,
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/health/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def _run(requests: list[tuple[str, str, dict]], cookie: str, concurrency: int):
    """Send every request (kind, path, params); return ({kind: [ms]}, wall seconds)."""
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(requests))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        while True:
            with lock:
                if not queue:
                    return
                kind, path, params = queue.pop()
            started = time.perf_counter()
            conn.request("GET", f"{path}?{urlencode(params)}", headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            # A full CPF with one match redirects to the profile: fine; to login: not.
            location = response.getheader("Location") or ""
            with lock:
                timings.setdefault(kind, []).append(elapsed)
                if response.status not in (200, 302) or "/conta/" in location:
                    errors.append(f"{response.status} {path} {params}")

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[:3]}")
    return timings, time.perf_counter() - started


def _plans(mix: dict, kinds: list[str]) -> tuple[dict[str, str], list[str]]:
    """EXPLAIN ANALYZE the selector's statements; return (plans of kinds, kinds scanning)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from clientes.selectors import cliente_search_page

    plans, scanning = {}, []
    for kind, requests in mix.items():
        if not requests:  # a kind the sample had no client for
            continue
        _path, params = requests[0]
        params = dict(params)
        page, size = params.pop("page", 1), params.pop("size", 50)
        with CaptureQueriesContext(connection) as captured:
            cliente_search_page(user=None, params=params, page=page, size=size)
        text = []
        with transaction.atomic(), connection.cursor() as cursor:
            # As the selector does (clientes.selectors._index_paths).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL random_page_cost = 1.1")
            for query in captured.captured_queries:
                sql = query["sql"].strip()
                if not sql.startswith(("SELECT", "WITH")) or "pg_catalog" in sql:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
                text.append("\n".join(row[0] for row in cursor.fetchall()))
        plan = "\n\n".join(text)
        if "Seq Scan on clientes " in plan or plan.count("Seq Scan on clientes\n"):
            scanning.append(kind)
        if kind in kinds:
            plans[kind] = f"{kind} — params {params}, page {page}\n\n{plan}"
    return plans, scanning


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="times the whole mix is sent")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "true")
    # Cold cache: search pages are never kept (TTL 0), so every request runs the
    # SQL, and the plans below come from real executions. bench/cache.py
    # measures cached repeats.
    os.environ.setdefault("CACHE_SEARCH_TTL", "0")
    from bench.seed import ensure_bench_database

    with data_services(), tempfile.TemporaryDirectory() as static_root:
        url = ensure_bench_database()
        _setup_django(url)
        rng = random.Random(2026)
        mix = query_mix(rng, _sample(rng))
        cookie = _session_cookie()
        server = _start_server(url, static_root)
        try:
            warmup = [(k, p, q) for k, reqs in mix.items() for p, q in reqs[:1]]
            _run(warmup, cookie, 1)  # connections and code, not data: each kind once
            requests = [(k, p, q) for _ in range(args.rounds) for k, r in mix.items() for p, q in r]
            rng.shuffle(requests)
            timings, wall = _run(requests, cookie, args.concurrency)
        finally:
            server.terminate()
            server.wait(timeout=15)
        load = os.getloadavg()
        rows, worst = [], []
        for kind, values in timings.items():
            stats = summarize(values)
            target = EXACT_CPF_P95_MS if kind.startswith("CPF exato") else SEARCH_P95_MS
            ok = stats["p95"] <= target and stats["max"] <= MAX_MS
            if not kind.startswith("CPF exato"):
                ok = ok and stats["p99"] <= SEARCH_P99_MS
            ratio = f"{stats['p95'] / target:.2f}"
            status = "ok" if ok else "ACIMA"
            rows.append([kind, stats["n"], stats["p50"], stats["p95"], stats["p99"], stats["max"],
                         target, ratio, status])  # fmt: skip
            worst.append((stats["p95"], kind))
        everything = summarize([v for values in timings.values() for v in values])
        print_table(
            f"Client search over HTTP, 1M clients (commit {git_commit()}, "
            f"{args.concurrency} concurrent clients, load avg {load[0]:.2f})",
            ["kind", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "target p95 ms",
             "ratio p95/target", "status"],
            rows,
        )  # fmt: skip
        print_table(
            "Throughput",
            ["requests", "wall s", "req/s", "p50 ms", "p95 ms", "p99 ms"],
            [[everything["n"], wall, everything["n"] / wall, everything["p50"],
              everything["p95"], everything["p99"]]],
        )  # fmt: skip
        slowest = [kind for _p95, kind in sorted(worst, reverse=True)[:3]]
        plans, scanning = _plans(mix, slowest)
        print("\n### Plans of the slowest kinds (EXPLAIN ANALYZE, in-process, warm)\n")
        for kind in slowest:
            print(f"```\n{plans[kind]}\n```\n")
        print(json.dumps({"kinds_with_seq_scan_on_clientes": scanning}))
    return 1 if scanning else 0


if __name__ == "__main__":
    sys.exit(main())
