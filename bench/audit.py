"""Cost of the audit trail: per-request overhead, and the audit page on 10M events.

Usage: python -m bench.audit [--events 10000000] [--requests 400] [--repeat 15]

1. Request overhead: the profile read (``cliente_get`` on the 1M-client
   database) served through Django in-process, without auditing (no
   RequestContextMiddleware, no event) and with it (middleware + one
   ``audit_record`` INSERT, committed), interleaved so load drift hits both.
   Target: ≤ 2 ms added at p50.
2. The audit page's queries (capped count + one page of 50, through the real
   selector and paginator) over a table of ``--events`` events spanning two
   years, appended in time order like production, for one month with each
   filter. Target: < 300 ms.

The events are generated once with INSERT ... SELECT generate_series (indexes
dropped during the load and rebuilt), in the benchmark database only.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
from datetime import timedelta

from bench.common import BENCH_DATABASE, git_commit, print_table, summarize

TARGET_OVERHEAD_MS = 2.0
TARGET_PAGE_MS = 300.0
SPAN_DAYS = 730
USERS = 2000

GENERATE_EVENTS = """
INSERT INTO audit_auditevent (occurred_at, actor_id, actor_email, actor_role, ip, user_agent,
                              request_id, channel, action, target_type, target_id,
                              target_label, details)
SELECT now() - make_interval(secs => %(span)s * (1 - g::float8 / %(n)s)),
       u, 'usuario' || u || '@empresa.com.br',
       (ARRAY['Analista', 'Gerente', 'Administrador'])[1 + u %% 3],
       ('10.' || (u %% 200) || '.' || (u %% 7) || '.' || (1 + u %% 250))::inet,
       'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0',
       md5(g::text), 'web', a.action,
       CASE WHEN a.action LIKE 'cliente.%%' AND a.action <> 'cliente.search'
            THEN 'clientes.cliente' ELSE '' END,
       CASE WHEN a.action LIKE 'cliente.%%' AND a.action <> 'cliente.search'
            THEN (1 + (g::bigint * 7919) %% 1000000)::text ELSE '' END,
       CASE WHEN a.action LIKE 'cliente.%%' AND a.action <> 'cliente.search'
            THEN 'Cliente ' || (1 + (g::bigint * 7919) %% 1000000) ELSE '' END,
       CASE a.action
            WHEN 'cliente.search' THEN jsonb_build_object(
                'filtros', jsonb_build_object('nome', 'silva', 'uf', 'SP'),
                'resultados', g %% 5000)
            WHEN 'cliente.update' THEN jsonb_build_object('changes', jsonb_build_object(
                'email', jsonb_build_object('before', 'a@x.com', 'after', 'b@x.com')))
            ELSE '{}'::jsonb END
  FROM generate_series(%(first)s, %(last)s) AS g,
       LATERAL (SELECT 1 + (hashint4(g) & 2147483647) %% %(users)s AS u,
                       (hashint4(g + 1) & 2147483647) %% 100 AS r) AS h,
       LATERAL (SELECT CASE WHEN r < 45 THEN 'cliente.view'
                            WHEN r < 75 THEN 'cliente.search'
                            WHEN r < 85 THEN 'cliente.update'
                            WHEN r < 90 THEN 'export.request'
                            WHEN r < 95 THEN 'auth.login'
                            WHEN r < 98 THEN 'auth.logout'
                            ELSE 'auth.login_failed' END AS action) AS a
"""


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory: never measure it
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("JWT_SIGNING_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("HTTPS_ONLY", "false")
    os.environ.setdefault("STATIC_MANIFEST", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def ensure_events(count: int) -> float:
    """Fill audit_auditevent with ``count`` events (once); return seconds spent (0 if reused)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        if cursor.fetchone()[0] >= count:
            return 0.0
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("TRUNCATE audit_auditevent RESTART IDENTITY")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_auditevent' "
            "AND indexname NOT LIKE '%%_pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        step = 1_000_000
        for first in range(1, count + 1, step):
            params = {
                "first": first,
                "last": min(first + step - 1, count),
                "n": count,
                "span": SPAN_DAYS * 86400,
                "users": USERS,
            }
            cursor.execute(GENERATE_EVENTS, params)
            print(f"  {params['last']:>11,} / {count:,} events", file=sys.stderr)
        for _name, definition in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_auditevent")
    return time.perf_counter() - started


def bench_page(repeat: int) -> list[list]:
    """Time the audit page's queries for one month with each filter."""
    from django.utils import timezone

    from audit.pagination import CappedPaginator
    from audit.selectors import audit_event_list

    month_end = timezone.localdate() - timedelta(days=200)
    month = {"desde": (month_end - timedelta(days=30)).isoformat(), "ate": month_end.isoformat()}
    cases = [
        ("latest events, no filter", {}),
        ("one month", month),
        ("one month, page 20", {**month, "page": "20"}),
        ("one month + user", {**month, "usuario": "usuario77@empresa.com.br"}),
        ("one month + action", {**month, "acao": "cliente.update"}),
        ("one month + rare action", {**month, "acao": "auth.login_failed"}),
        ("one month + client", {**month, "cliente": "424242"}),
        ("two years + client", {"cliente": "424242"}),
        ("one month + IP", {**month, "ip": "10.77.0.78"}),
        (
            "one month + user + action",
            {**month, "usuario": "usuario77@empresa.com.br", "acao": "cliente.view"},
        ),
        ("two years + user", {"usuario": "usuario78@empresa.com.br"}),
    ]
    rows = []
    for label, params in cases:
        timings, matches = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            events = audit_event_list(params=params)
            paginator = CappedPaginator(events, 50)
            page = paginator.get_page(params.get("page"))
            fetched = len(list(page))
            matches = paginator.count
            timings.append((time.perf_counter() - started) * 1000)
        stats = summarize(timings)
        shown = f"{matches:,}" + ("+" if paginator.is_capped else "")
        rows.append([label, shown, fetched, stats["p50"], stats["p95"], stats["p99"],
                     f"{stats['p95'] / TARGET_PAGE_MS:.2f}"])  # fmt: skip
    return rows


def bench_overhead(requests: int) -> list[list]:
    """Time the profile read without and with auditing, interleaved."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import path

    from audit.choices import Action
    from audit.services import audit_record
    from clientes.selectors import cliente_get

    def profile(request, pk, audited, durable=False):
        # Like every real view: authenticate (session + user) and check a permission.
        if not request.user.has_perm("clientes.view_cliente"):
            return HttpResponse(status=403)
        cliente = cliente_get(user=request.user, id_cliente=pk)
        if durable:  # what AUDIT_SYNCHRONOUS_COMMIT=true costs: wait for the WAL flush
            with transaction.atomic():
                audit_record(action=Action.CLIENTE_VIEW, request=request, target=cliente)
        elif audited:
            audit_record(action=Action.CLIENTE_VIEW, request=request, target=cliente)
        return HttpResponse(cliente.nome_completo)

    sys.modules[__name__].urlpatterns = [
        path("plain/<int:pk>/", profile, {"audited": False}),
        path("audited/<int:pk>/", profile, {"audited": True}),
        path("durable/<int:pk>/", profile, {"audited": True, "durable": True}),
    ]
    from django.conf import settings
    from django.contrib.auth.models import Group

    from accounts.roles import ANALISTA, sync_roles

    sync_roles()
    user, _ = get_user_model().objects.get_or_create(email="bench-audit@example.com")
    user.groups.add(Group.objects.get(name=ANALISTA))
    plain_middleware = [m for m in settings.MIDDLEWARE if not m.startswith("audit.")]
    with override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=plain_middleware):
        plain = Client()
        plain.force_login(user)
        plain.get("/plain/1/")  # builds this client's middleware chain now
    with override_settings(ROOT_URLCONF=__name__):
        audited = Client()
        audited.force_login(user)
        audited.get("/audited/1/")
        times = {"plain": [], "context": [], "audited": [], "durable": []}
        variants = (
            ("plain", plain, "plain"),
            ("context", audited, "plain"),
            ("audited", audited, "audited"),
            ("durable", audited, "durable"),
        )
        rng = random.Random(2026)
        for i in range(requests):
            pk = 1 + (i * 7919) % 1_000_000
            # A different order each round: no variant always runs right after another.
            for name, client, route in rng.sample(variants, len(variants)):
                started = time.perf_counter()
                response = client.get(f"/{route}/{pk}/")
                times[name].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
    base = summarize(times["plain"])
    rows = []
    for name, label in (
        ("plain", "without auditing"),
        ("context", "request id + audit context only (no event)"),
        ("audited", "with auditing (default: read events commit async)"),
        ("durable", "with auditing, AUDIT_SYNCHRONOUS_COMMIT=true"),
    ):
        stats = summarize(times[name])
        delta = stats["p50"] - base["p50"]
        added = ["", ""]
        if name != "plain":
            added = [f"{delta:.2f}", f"{delta / TARGET_OVERHEAD_MS:.2f}"]
        rows.append([label, requests, stats["p50"], stats["p95"], stats["p99"],
                     1000 / stats["mean"], *added])  # fmt: skip
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    from bench.seed import ensure_bench_database
    from devstack.services import data_services

    os.environ.setdefault("DEBUG", "true")
    with data_services():
        url = ensure_bench_database()
        _setup_django(url)
        load = os.getloadavg()[0]
        seconds = ensure_events(args.events)
        if seconds:
            print(f"Generated {args.events:,} events in {seconds:.0f} s", file=sys.stderr)
        commit = git_commit()
        print_table(
            f"Audit overhead per request, profile read on {BENCH_DATABASE} "
            f"(commit {commit}, load {load:.2f})",
            ["variant", "requests", "p50 (ms)", "p95 (ms)", "p99 (ms)", "req/s",
             "added p50 (ms)", "ratio to 2 ms"],
            bench_overhead(args.requests),
        )  # fmt: skip
        print_table(
            f"Audit page queries on {args.events:,} events (commit {commit}, "
            f"load {os.getloadavg()[0]:.2f})",
            ["query (count ≤ 10,001 + page of 50)", "matches", "rows", "p50 (ms)",
             "p95 (ms)", "p99 (ms)", "p95 / 300 ms"],
            bench_page(args.repeat),
        )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
