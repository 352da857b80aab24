"""Shared helpers of the benchmarks: the 1M-client database and result tables."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "gestao_clientes_bench")
BENCH_CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000000"))


def _production_like_env() -> None:
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("HTTPS_ONLY", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
    os.environ.setdefault("JWT_SIGNING_KEY", "bench-jwt-" + "y" * 60)


@contextmanager
def bench_services() -> Iterator[str]:
    """Start what an in-process benchmark needs and yield the bench database URL.

    PostgreSQL and Redis are the ones of DATABASE_URL/REDIS_URL, or embedded
    ones started here (and stopped on exit); the benchmark database is built
    (migrated, seeded) if missing, so the benchmark runs on a fresh clone.
    """
    from bench.seed import ensure_bench_database
    from devstack.services import data_services

    _production_like_env()  # ensure_bench_database's migrate loads the settings
    with data_services():
        yield ensure_bench_database()


def setup_django_on_bench_database() -> None:
    """Point Django at BENCH_DATABASE (production-like settings) and set it up."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gestao_clientes")
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{BENCH_DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _production_like_env()
    import django

    django.setup()


def git_commit() -> str:
    try:
        return subprocess.check_output(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True, stderr=subprocess.DEVNULL
        ).strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def percentile(values: list[float], pct: float) -> float:
    """Return the pct-th percentile (nearest-rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarize(values_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(values_ms),
        "p50": percentile(values_ms, 50),
        "p95": percentile(values_ms, 95),
        "p99": percentile(values_ms, 99),
        "max": max(values_ms) if values_ms else float("nan"),
        "mean": statistics.fmean(values_ms) if values_ms else float("nan"),
    }


def print_table(title: str, headers: list[str], rows: list[list], file=sys.stdout) -> None:
    """Print a Markdown table (pasted as-is into bench/README.md)."""
    cells = [[str(h) for h in headers]] + [
        [f"{c:.1f}" if isinstance(c, float) else str(c) for c in row] for row in rows
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    print(f"\n### {title}\n", file=file)
    for i, row in enumerate(cells):
        print(
            "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |",
            file=file,
        )
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=file)
