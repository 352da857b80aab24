"""Cost of the managers' metrics page and of the audit page's partial user filter.

Usage: BENCH_DATABASE=bench_x python -m bench.usage [--events 10000000] [--repeat 15]

On the benchmark database (its clients, and ``--events`` audit events over two
years generated as bench.audit does, with 2,000 users behind them):

1. ``usage_aggregate_day`` of one day: the periodic task's work per day
   (totals, histogram, exports, per-user and per-hour split, and for today the
   clients-by-UF snapshot). Target: < 5 s (it runs every 15 minutes).
2. The clients-by-UF-and-status snapshot alone.
3. ``/metricas/`` as a Gerente for 30 aggregated days, both tabs (the table
   VACUUMed after the aggregation, as autovacuum would). Target: < 300 ms.
4. The audit page (capped count + page of 50) for one month filtered by part of
   a name or e-mail. Target: < 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from bench.audit import SPAN_DAYS, USERS, _setup_django, ensure_events
from bench.common import BENCH_DATABASE, git_commit, print_table, summarize

TARGET_AGGREGATE_MS = 5000.0
TARGET_PAGE_MS = 300.0


def _timed(function, repeat: int) -> tuple[dict[str, float], object]:
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        timings.append((time.perf_counter() - started) * 1000)
    return summarize(timings), result


def _row(label, detail, stats, target):
    return [label, detail, stats["p50"], stats["p95"], stats["p99"], f"{stats['p95'] / target:.2f}"]


def _ensure_users() -> None:
    """Create users with the generated events' e-mails (not their ids: seeded users
    hold some), once."""
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import Max

    from accounts.models import User

    if User.objects.filter(email="usuario1@empresa.com.br").exists():
        return
    unusable = make_password(None)
    first = (User.objects.aggregate(m=Max("id"))["m"] or 0) + 1  # seeded users set their ids
    User.objects.bulk_create(
        User(
            id=first + n,
            email=f"usuario{n + 1}@empresa.com.br",
            nome=f"Usuário Número {n + 1}",
            password=unusable,
        )
        for n in range(USERS)
    )
    with connection.cursor() as cursor:  # explicit ids leave the sequence behind
        for sql in connection.ops.sequence_reset_sql(no_style(), [User]):
            cursor.execute(sql)


def bench(repeat: int) -> list[list]:
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from accounts.models import User
    from audit.models import AuditEvent
    from audit.pagination import CappedPaginator
    from audit.selectors import audit_event_list
    from monitoring.models import DailyUsage
    from monitoring.usage import clients_by_uf_status, usage_aggregate_day

    today = timezone.localdate()
    day = today - dt.timedelta(days=3)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    per_day = AuditEvent.objects.filter(
        occurred_at__gte=start, occurred_at__lt=start + dt.timedelta(days=1)
    ).count()
    rows = []
    stats, _ = _timed(lambda: usage_aggregate_day(dia=day), max(3, repeat // 5))
    rows.append(_row("aggregate one past day", f"{per_day:,} events", stats, TARGET_AGGREGATE_MS))
    stats, _ = _timed(lambda: usage_aggregate_day(dia=today), max(3, repeat // 5))
    rows.append(_row("aggregate today (+ UF snapshot)", "with clients", stats, TARGET_AGGREGATE_MS))
    stats, counts = _timed(clients_by_uf_status, max(3, repeat // 5))
    clients = int(sum(counts.values()))
    rows.append(_row("clients by UF snapshot", f"{clients:,} clients", stats, TARGET_AGGREGATE_MS))

    for n in range(30):
        usage_aggregate_day(dia=today - dt.timedelta(days=n))
    # Each run rewrites a day's rows: autovacuum's work in production (this
    # machine's PostgreSQL runs without it; bench.seed vacuums likewise).
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {DailyUsage._meta.db_table}")
    gerente, _ = User.objects.get_or_create(email="gerente.bench@empresa.com.br", nome="Gerente")
    gerente.groups.add(Group.objects.get(name="Gerente"))
    client = Client()
    client.force_login(gerente)
    for aba in ("geral", "sistema"):

        def page(aba=aba):
            response = client.get("/metricas/", {"periodo": "30d", "aba": aba})
            assert response.status_code == 200, response.status_code

        page()  # warm-up: templates compiled, permissions cached
        stats, _ = _timed(page, repeat)
        rows.append(_row(f"/metricas/ 30 days, {aba}", "", stats, TARGET_PAGE_MS))

    month_end = today - dt.timedelta(days=200)
    month = {"desde": (month_end - dt.timedelta(days=30)).isoformat(), "ate": month_end.isoformat()}
    for label, text in [("part of an e-mail", "usuario77"), ("part of a name", "Número 1")]:

        def audit_page(text=text):
            events = audit_event_list(user=None, params={**month, "usuario": text})
            paginator = CappedPaginator(events, 50)
            list(paginator.get_page(1))
            return paginator.count

        stats, matches = _timed(audit_page, repeat)
        rows.append(
            _row(f"audit page, one month + {label}", f"{matches:,} events", stats, TARGET_PAGE_MS)
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from bench.seed import ensure_bench_database
    from devstack.services import data_services

    os.environ.setdefault("DEBUG", "true")  # for manage.py migrate; _setup_django measures without
    with data_services():
        url = ensure_bench_database()
        _setup_django(url)
        seconds = ensure_events(args.events)
        if seconds:
            print(f"Generated {args.events:,} events in {seconds:.0f} s", file=sys.stderr)
        _ensure_users()
        load = os.getloadavg()[0]
        print_table(
            f"Managers' metrics and audit user filter on {BENCH_DATABASE}, "
            f"{args.events:,} events over {SPAN_DAYS} days "
            f"(commit {git_commit()}, load {load:.2f})",
            ["what", "size", "p50 (ms)", "p95 (ms)", "p99 (ms)", "p95 / target"],
            bench(args.repeat),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
