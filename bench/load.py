"""Load test: 1, 100 and 1,000 simultaneous analysts on the 1M-client database.

Usage: python -m bench.load [--users 1,100,1000] [--steady 120] [--spawn-rate 2]
                            [--think 30,60] [--no-nginx]

Production-shaped and loopback only: gunicorn (config/gunicorn.conf.py, DEBUG
off, HTTPS) behind the repository's nginx config (TLS), PostgreSQL and Redis
from DATABASE_URL/REDIS_URL, the database of bench.seed. Locust (headless,
bench/locustfile.py) logs every user in (bcrypt, as in production), then each
searches (bench/search.py's mix of screen and API searches), opens profiles
and now and then exports a small search, with think time. The default think
time, 30-60 s between actions, is a call-centre analyst's pace (a call lasts
minutes; a few searches and profiles per call); the default spawn rate, 2
logins per second, is what bcrypt at 12 rounds (0.25 CPU-s per login) lets two
cores absorb beside the searches: a shift starting, not 1,000 people pressing
Enter in the same second.
Each stage is bounded: ramp-up (users / spawn rate) + steady state. Latencies
are reported for the steady state only; logins (which happen during the
ramp-up) and errors over the whole stage.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, git_commit, print_table, summarize
from bench.search import _sample as search_sample
from bench.search import query_mix
from bench.seed import ensure_bench_database
from devstack.appserver import Gunicorn
from devstack.embedded import free_port
from devstack.nginx import Nginx, self_signed_cert
from devstack.services import data_services

PASSWORD = "Carga-de-teste-2026"  # noqa: S105 - throwaway accounts in the bench database
TARGET_SEARCH_P95_MS = 300.0


def _prepare(database_url: str, users: int) -> dict:
    """Create the analysts and return sample values for the searches."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import connection

    from accounts.roles import ANALISTA, sync_roles

    sync_roles()
    user_model = get_user_model()
    emails = [f"carga{n:04d}@bench.local" for n in range(users)]
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    hashed = make_password(PASSWORD)  # one bcrypt hash for all: same password
    created = user_model.objects.bulk_create(
        [
            user_model(email=e, nome=f"Carga {e[5:9]}", password=hashed)
            for e in emails
            if e not in existing
        ]
    )
    group = Group.objects.get(name=ANALISTA)
    group.user_set.add(*created)
    with connection.cursor() as cursor:
        # "A small search": cities of at most 20,000 clients (half of them per
        # sex), under the 50,000-row export limit; São Paulo's 115,000 would be
        # refused up front (a 400 with the count), which is right but not load.
        cursor.execute(
            """
            SELECT cidade, uf FROM clientes_enderecos
            GROUP BY cidade, uf HAVING count(*) <= 20000
            ORDER BY count(*) DESC LIMIT 200
            """
        )
        cidades = [list(row) for row in cursor.fetchall()]
    rng = random.Random(2026)
    searches = [
        [kind, path, params]
        for kind, requests in query_mix(rng, search_sample(rng)).items()
        for path, params in requests
    ]
    from django.urls import NoReverseMatch, reverse

    try:
        export_path = reverse("reports:export_create")
    except NoReverseMatch:
        export_path = ""
    return {
        "export_path": export_path,
        "bcrypt_rounds": settings.BCRYPT_ROUNDS,
        "emails": emails,
        "searches": searches,
        "cidades": cidades,
    }


def _run_stage(*, host, users, spawn_rate, steady, think, samples_path, work) -> tuple[list, float]:
    ramp = users / spawn_rate
    results = work / f"records-{users}.json"
    env = {
        **os.environ,
        "LOAD_SAMPLES": samples_path.read_text(),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_THINK": think,
        "LOAD_RESULTS": str(results),
        "LOAD_EXPORT_PATH": json.loads(samples_path.read_text())["export_path"],
    }
    started = time.time()
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless", "--only-summary", "--host", host,
            "-u", str(users), "-r", str(spawn_rate),
            "--run-time", f"{int(ramp + steady)}s", "--stop-timeout", "10",
            "--loglevel", "WARNING",
        ],
        cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return json.loads(results.read_text()), started + ramp


def _table_rows(records: list, steady_from: float) -> list[list]:
    names = sorted({r[0] for r in records if r[0] != "login (form)"})
    rows = []
    steady_end = max((r[3] for r in records), default=steady_from)
    window = max(steady_end - steady_from, 1e-9)
    for name in names:
        all_of_name = [r for r in records if r[0] == name]
        in_window = (
            all_of_name if name == "login" else [r for r in all_of_name if r[3] >= steady_from]
        )
        stats = summarize([r[1] for r in in_window])
        errors = sum(r[2] for r in all_of_name)
        rate = len(in_window) / window if name != "login" else float("nan")
        rows.append([name, stats["n"], stats["p50"], stats["p95"], stats["p99"], rate, errors])
    return rows


def _failures(records: list) -> list[list]:
    """Return [step, cause, count] of the failed requests of a stage."""
    causes: dict[tuple[str, str], int] = {}
    for name, _ms, failed, _when, *why in records:
        if failed:
            key = (name, why[0] if why else "?")
            causes[key] = causes.get(key, 0) + 1
    return [[name, why, n] for (name, why), n in sorted(causes.items())]


def _search_summary(records: list, steady_from: float) -> dict:
    """All searches of a stage in the steady state, plus the stage's totals."""
    steady = [r for r in records if r[3] >= steady_from]
    searches = [r[1] for r in steady if r[0].startswith("busca:")]
    window = max(max((r[3] for r in records), default=steady_from) - steady_from, 1e-9)
    return {
        **summarize(searches),
        "rps": len(steady) / window,
        "errors": sum(r[2] for r in records),
        "requests": len(records),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--users", default="1,100,1000")
    parser.add_argument("--steady", type=int, default=120, help="seconds of steady state per stage")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started per second")
    parser.add_argument("--think", default="30,60", help="think time range in seconds")
    parser.add_argument(
        "--baseline-think",
        default="0.5,1",
        help="think time of the 1-user stage (an idle server either way; more samples)",
    )
    parser.add_argument("--no-nginx", action="store_true", help="hit gunicorn directly (HTTP)")
    args = parser.parse_args()
    stages = [int(n) for n in args.users.split(",")]
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("JWT_SIGNING_KEY", secrets.token_urlsafe(64))
    with data_services(), tempfile.TemporaryDirectory(prefix="gestao-load-") as tmp:
        work = Path(tmp)
        database_url = ensure_bench_database()
        samples = work / "samples.json"
        prepared = _prepare(database_url, max(stages))
        samples.write_text(json.dumps(prepared))
        app_port = free_port()
        env = {
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "HTTPS_ONLY": "false" if args.no_nginx else "true",
            "TRUSTED_PROXIES": "127.0.0.1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "STATIC_MANIFEST": "false",
        }
        load_before = os.getloadavg()[0]
        with Gunicorn(port=app_port, env=env, log_path=work / "gunicorn.log", workers=5):
            if args.no_nginx:
                host, nginx = f"http://127.0.0.1:{app_port}", None
            else:
                https_port = free_port()
                nginx = Nginx(
                    work / "nginx",
                    upstream=f"127.0.0.1:{app_port}",
                    static_root=ROOT / "static",
                    cert_dir=self_signed_cert(work / "certs", days=1),
                    http_port=free_port(),
                    https_port=https_port,
                    worker_connections=4096,
                ).start()
                host = f"https://127.0.0.1:{https_port}"
            try:
                tables = []
                for users in stages:
                    records, steady_from = _run_stage(
                        host=host, users=users, spawn_rate=args.spawn_rate, steady=args.steady,
                        think=args.baseline_think if users == 1 else args.think,
                        samples_path=samples, work=work,
                    )  # fmt: skip
                    tables.append(
                        (
                            users,
                            _table_rows(records, steady_from),
                            _search_summary(records, steady_from),
                            os.getloadavg()[0],
                            _failures(records),
                        )
                    )
            finally:
                if nginx is not None:
                    nginx.stop()
    via = "gunicorn directly" if args.no_nginx else "nginx (TLS) → gunicorn"
    single_p95 = next((summary["p95"] for users, _r, summary, *_ in tables if users == 1), None)
    summary_rows = []
    for users, _rows, summary, *_ in tables:
        if users >= 1000:
            target, what = TARGET_SEARCH_P95_MS, "300 ms"
        elif users > 1 and single_p95:
            target, what = 1.2 * single_p95, "1.2x single-user p95"
        else:
            target, what = None, "-"
        ratio = f"{summary['p95'] / target:.2f}" if target else "-"
        summary_rows.append(
            [
                users, summary["n"], summary["p50"], summary["p95"], summary["p99"],
                summary["rps"], f"{summary['errors']} / {summary['requests']}",
                f"{target:.1f} ({what})" if target else what, ratio,
            ]
        )  # fmt: skip
    print_table(
        f"Load test summary: all searches in the steady state (commit {git_commit()}, "
        f"load avg {load_before:.2f} before)",
        [
            "users", "searches", "p50 (ms)", "p95 (ms)", "p99 (ms)", "req/s (all steps)",
            "errors / requests", "target p95 (ms)", "ratio p95/target",
        ],
        summary_rows,
    )  # fmt: skip
    for users, rows, _summary, load_after, failures in tables:
        print_table(
            f"{users} simultaneous users, {via} (commit {git_commit()}, "
            f"think {args.baseline_think if users == 1 else args.think} s, steady {args.steady} s, "
            f"bcrypt {prepared['bcrypt_rounds']} rounds, "
            f"exports {'on' if prepared['export_path'] else 'not installed'}, "
            f"load avg {load_before:.2f} before / {load_after:.2f} after)",
            ["step", "n", "p50 (ms)", "p95 (ms)", "p99 (ms)", "req/s", "errors"],
            rows,
        )
        if failures:
            print_table(f"Failures with {users} users, by cause", ["step", "cause", "n"], failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
