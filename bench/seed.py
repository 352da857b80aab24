"""Build (or reuse) the 1,000,000-client benchmark database and time the seed.

Usage: python -m bench.seed [--force]   (BENCH_CLIENTS overrides the size)

Uses DATABASE_URL's server (embedded PostgreSQL when unset) with a separate
database, ``gestao_clientes_bench``, so benchmarks never touch your data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import psycopg

from bench.common import BENCH_CLIENTS, BENCH_DATABASE, ROOT, git_commit, print_table
from devstack.services import data_services


def bench_database_url(base_url: str) -> str:
    return base_url.rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"


def _client_count(url: str) -> int:
    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM clientes").fetchone()[0]
    except psycopg.Error:
        return 0


def ensure_bench_database(force: bool = False) -> str:
    """Return the URL of a migrated database holding BENCH_CLIENTS clients."""
    base = os.environ["DATABASE_URL"]
    url = bench_database_url(base)
    with psycopg.connect(base.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone():
            conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    if force or _client_count(url) != BENCH_CLIENTS:
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "manage.py", "seed_clients", "--count", str(BENCH_CLIENTS), "--reset"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        elapsed = time.perf_counter() - started
        print(result.stdout.strip().splitlines()[-1])
        print_table(
            f"Seed of {BENCH_CLIENTS:,} clients (commit {git_commit()})",
            ["clients", "wall time (s)", "target (s)", "ratio to target"],
            [[f"{BENCH_CLIENTS:,}", elapsed, 180.0, f"{elapsed / 180:.2f}"]],
        )
    _vacuum(url)
    return url


def _vacuum(url: str) -> None:
    """VACUUM the client tables, as autovacuum would have on a live database.

    The seed command VACUUMs after its load; a database reused across runs may
    since have had rows rewritten (a migration's backfill), and a machine may
    run PostgreSQL with autovacuum off (this one does): without the visibility
    map every count and bitmap scan reads the heap and no index-only scan
    happens, which no deployment looks like. Cheap when nothing changed.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ("clientes", "clientes_enderecos", "clientes_telefones"):
            conn.execute(f"VACUUM (ANALYZE) {table}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--force", action="store_true", help="reseed even if the size matches")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "true")  # management commands only; no server here
    with data_services():
        url = ensure_bench_database(force=args.force)
        print(f"Benchmark database ready: {url} ({_client_count(url):,} clients)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
