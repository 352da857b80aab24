"""CPU milliseconds per API request, and where they go (issue #15 §6).

Usage: python -m bench.cpu [--rounds N] [--users N] [--profile]

The API mix of the load goal on the 1M-client database: 40% exact-CPF
searches, 40% name searches (``GET /api/v1/clients/search``), 20% profiles
(``GET /api/v1/clients/{id}/``), each with a JWT of one of several Analistas,
warm cache (one pass first fills it). Requests run in-process through
Django's whole stack (middleware, DRF authentication, throttling, permission
cache, audit, serialization, request log) with the production settings
(DEBUG off), so nothing but the HTTP server is missing.

CPU, not wall time: the app's CPU is ``time.process_time()`` around each
request, and PostgreSQL's is the CPU its backend process spent (from
/proc, 10 ms ticks: reported per kind, over all its requests). Both are
robust to other work on the machine, unlike latency. Redis' own CPU is left
out (the server is shared); the client side of every Redis call is in the
app's share.

``--profile`` runs the loop once more under a CPU-clock sampling profiler
(``CpuSampler``) and groups the samples into the costs the issue names
(authentication, permissions, throttling, audit, cache, serialization,
logging, middleware, the view's SQL).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import signal
import sys
import time

from bench.common import BENCH_DATABASE, ROOT, git_commit, print_table, summarize
from devstack.services import data_services

MIX = (("CPF exato", 0.4), ("nome", 0.4), ("perfil", 0.2))
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _setup(rng: random.Random, users: int):
    """Django on the bench database; return (requests, tokens)."""
    from bench.common import setup_django_on_bench_database

    # The measured loop sends far more than an analyst's 600/min: throttling
    # still runs (its Redis round trip is part of the cost), it just never refuses.
    os.environ.setdefault("THROTTLE_USER_RATE", "100000000/min")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    setup_django_on_bench_database()
    from django.contrib.auth.models import Group

    from accounts.api.tokens import tokens_for
    from accounts.models import User
    from accounts.roles import ANALISTA, sync_roles
    from bench.search import _sample
    from clientes.search.parsing import fold

    sync_roles()
    group = Group.objects.get(name=ANALISTA)
    tokens = []
    for n in range(users):
        user, _ = User.objects.get_or_create(
            email=f"cpu{n:03d}@bench.local", defaults={"nome": f"CPU {n}"}
        )
        user.groups.add(group)
        tokens.append(f"Bearer {tokens_for(user).access_token}")
    rows = _sample(rng)["rows"]
    from clientes.models import Cliente

    ids = dict(
        Cliente.objects.filter(cpf__in=[r[0] for r in rows]).values_list("cpf", "id_cliente")
    )
    pools = {
        "CPF exato": [("/api/v1/clients/search", {"cpf": r[0]}) for r in rows],
        "nome": [("/api/v1/clients/search", {"q": fold(r[1])}) for r in rows],
        "perfil": [(f"/api/v1/clients/{ids[r[0]]}/", {}) for r in rows if r[0] in ids],
    }
    return pools, tokens


def _requests(rng: random.Random, pools: dict, n: int) -> list[tuple[str, str, dict]]:
    kinds = rng.choices([k for k, _ in MIX], weights=[w for _, w in MIX], k=n)
    return [(kind, *rng.choice(pools[kind])) for kind in kinds]


def _backend_cpu_ms(pid: int) -> float:
    """CPU (user + system) a PostgreSQL backend has used, in ms (10 ms ticks)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / CLK_TCK


@contextlib.contextmanager
def _quiet_stderr():
    """The request log goes to stderr as in production; keep it off the table."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _run(client, requests, tokens, rng) -> dict[str, dict]:
    """Send ``requests``; return {kind: {"cpu": [ms...], "wall": [ms...], "db": ms}}."""
    from django.db import connection

    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    out: dict[str, dict] = {}
    for kind, path, params in requests:
        token = rng.choice(tokens)
        db_before = _backend_cpu_ms(backend)
        wall = time.perf_counter()
        cpu = time.process_time()
        response = client.get(path, params, HTTP_AUTHORIZATION=token)
        cpu = (time.process_time() - cpu) * 1000
        wall = (time.perf_counter() - wall) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{kind} {path}: HTTP {response.status_code} {response.content[:200]}")
        stats = out.setdefault(kind, {"cpu": [], "wall": [], "db": 0.0})
        stats["cpu"].append(cpu)
        stats["wall"].append(wall)
        stats["db"] += _backend_cpu_ms(backend) - db_before
    return out


@contextlib.contextmanager
def without_cuts():
    """Run the code as it was before this benchmark's CPU cuts (issue #15 §6).

    Restores, in this process, what the cuts replaced: django-filter's deep
    copy of every declared filter and form field per search, and DRF's
    per-instance field building of the client serializers. ``--compare``
    alternates batches with and without, so both see the same machine: CPU
    time too grows when other processes fight for the cores and caches.
    """
    from clientes.api.serializers import FieldsOnceMixin
    from clientes.filters import ClienteFilterSet

    filters = ClienteFilterSet.base_filters
    form_class = ClienteFilterSet.__dict__.get("_form_class")
    fields = form_class.base_fields if form_class is not None else None
    get_fields = FieldsOnceMixin.get_fields
    ClienteFilterSet.base_filters = dict(filters)
    if form_class is not None:
        form_class.base_fields = dict(fields)
    FieldsOnceMixin.get_fields = lambda self: super(FieldsOnceMixin, self).get_fields()
    try:
        yield
    finally:
        ClienteFilterSet.base_filters = filters
        if form_class is not None:
            form_class.base_fields = fields
        FieldsOnceMixin.get_fields = get_fields


def _compare(client, requests, tokens, rng, batch: int = 50) -> dict[str, dict]:
    """Return {"before": results, "after": results} over the same requests,
    in alternating batches (ABBA, so a drift in machine load cancels out)."""
    merged: dict[str, dict] = {"before": {}, "after": {}}
    for index, start in enumerate(range(0, len(requests), batch)):
        chunk = requests[start : start + batch]
        order = ("before", "after") if index % 2 == 0 else ("after", "before")
        for variant in order:
            if variant == "before":
                with without_cuts():
                    results = _run(client, chunk, tokens, rng)
            else:
                results = _run(client, chunk, tokens, rng)
            for kind, stats in results.items():
                into = merged[variant].setdefault(kind, {"cpu": [], "wall": [], "db": 0.0})
                into["cpu"] += stats["cpu"]
                into["wall"] += stats["wall"]
                into["db"] += stats["db"]
    return merged


# Where a sample's CPU goes: the first category (in this order) with a frame
# of the sample's stack whose "path:function" contains one of its needles. The
# order makes an audit INSERT count as audit, not as SQL.
CATEGORIES = (
    ("autenticação JWT", ("rest_framework_simplejwt/", "accounts/api/authentication.py:")),
    ("permissões (cache)", ("permission_cache.py:", "auth/backends.py:")),
    ("throttling", ("rest_framework/views.py:check_throttles",)),
    ("auditoria", ("audit/services.py:",)),
    ("cache de clientes (Redis, codec)", ("clientes/cache/", "common/cache/")),
    ("validação dos filtros", ("clientes/filters.py:validated_filterset",)),
    ("serialização + JSON", ("rest_framework/serializers.py:", "rest_framework/response.py:")),
    ("log da requisição", ("logging/__init__.py:",)),
    ("outro SQL (ORM + psycopg)", ("django/db/", "psycopg/")),
    ("resto da view", ("rest_framework/views.py:dispatch",)),
    ("middleware e handler", ("core/handlers/base.py:get_response",)),
    # Django's test Client building the request and reading the response:
    # what a gunicorn worker does instead (parsing HTTP) is not measured here.
    ("cliente de teste (fora da requisição)", ("",)),
)


class CpuSampler:
    """A sampling profiler on the process' CPU clock (SIGPROF).

    ``setitimer(ITIMER_PROF)`` fires after every ``interval`` of CPU time the
    process spends (user + system), never while it waits on PostgreSQL or
    Redis, so samples are shares of CPU; walking a stack costs microseconds,
    so unlike cProfile it does not inflate code made of many small calls.
    """

    def __init__(self, interval: float = 0.0005):
        self.interval = interval
        self.stacks: list[tuple[str, ...]] = []

    def _sample(self, _signum, frame):
        stack = []
        while frame is not None:
            stack.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")
            frame = frame.f_back
        self.stacks.append(tuple(stack))

    def __enter__(self):
        self._previous = signal.signal(signal.SIGPROF, self._sample)
        signal.setitimer(signal.ITIMER_PROF, self.interval, self.interval)
        return self

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
        signal.signal(signal.SIGPROF, self._previous)

    def by_category(self) -> dict[str, int]:
        counts = dict.fromkeys((name for name, _ in CATEGORIES), 0)
        for stack in self.stacks:
            for name, needles in CATEGORIES:
                if any(needle in frame for frame in stack for needle in needles):
                    counts[name] += 1
                    break
        return counts

    def top_functions(self, n: int = 25) -> list[tuple[str, int, int]]:
        """Return (function, samples inside it, samples in its own code) for the top n."""
        inclusive: dict[str, int] = {}
        own: dict[str, int] = {}
        for stack in self.stacks:
            own[stack[0]] = own.get(stack[0], 0) + 1
            for frame in set(stack):
                inclusive[frame] = inclusive.get(frame, 0) + 1
        ranked = sorted(own, key=own.get, reverse=True)[:n]
        return [(f, inclusive[f], own[f]) for f in ranked]


def _profile(client, requests, tokens, rng) -> tuple[list[list], list[list]]:
    with CpuSampler() as sampler:
        results = _run(client, requests, tokens, rng)
    if os.environ.get("BENCH_CPU_STACKS"):  # raw samples, for a closer look
        import pickle

        with open(os.environ["BENCH_CPU_STACKS"], "wb") as out:
            pickle.dump(sampler.stacks, out)
    cpu_ms = sum(sum(s["cpu"]) for s in results.values())
    total = max(len(sampler.stacks), 1)
    categories = [
        [name, count * cpu_ms / total / len(requests), f"{100 * count / total:.0f}%"]
        for name, count in sampler.by_category().items()
    ]
    site = os.path.dirname(os.path.dirname(django_path()))
    top = [
        [func.replace(site + "/", "").replace(str(ROOT) + "/", ""), f"{100 * inc / total:.1f}%",
         f"{100 * own / total:.1f}%"]
        for func, inc, own in sampler.top_functions()
    ]  # fmt: skip
    return categories, top


def _print_comparison(compared: dict, load_before: float, load_after: float) -> None:
    rows = []
    totals = {"before": [0.0, 0.0, 0], "after": [0.0, 0.0, 0]}
    for kind, _share in (*MIX,):
        row = [kind]
        for variant in ("before", "after"):
            stats = compared[variant][kind]
            n = len(stats["cpu"])
            totals[variant][0] += sum(stats["cpu"])
            totals[variant][1] += stats["db"]
            totals[variant][2] += n
            row += [sum(stats["cpu"]) / n, stats["db"] / n]
        row.append(f"{row[3] / row[1]:.2f}")
        rows.append([row[0], len(compared["after"][kind]["cpu"]), *row[1:]])
    mix = []
    for variant in ("before", "after"):
        cpu, db, n = totals[variant]
        mix += [cpu / n, db / n]
    rows.append(["mix (40/40/20)", totals["after"][2], *mix, f"{mix[2] / mix[0]:.2f}"])
    print_table(
        f"CPU per API request before/after the cuts, alternating batches in one process "
        f"(commit {git_commit()}, load avg {load_before:.2f} before / {load_after:.2f} after)",
        [
            "kind", "n each", "app CPU ms before", "PostgreSQL CPU ms before",
            "app CPU ms after", "PostgreSQL CPU ms after", "app after / before",
        ],
        rows,
    )  # fmt: skip


def django_path() -> str:
    import django

    return os.path.dirname(django.__file__)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1500, help="measured requests")
    parser.add_argument("--users", type=int, default=20, help="API users (tokens) in rotation")
    parser.add_argument("--profile", action="store_true", help="also sample where the CPU goes")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also measure the code before the CPU cuts, in alternating batches",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    from bench.seed import ensure_bench_database

    # Production settings (DEBUG off keeps no query log), here and in the
    # migrate that ensure_bench_database runs.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("JWT_SIGNING_KEY", secrets.token_urlsafe(64))
    with data_services():
        ensure_bench_database()
        pools, tokens = _setup(rng, args.users)
        from django.test import Client

        client = Client()
        requests = _requests(rng, pools, args.rounds)
        load_before = os.getloadavg()[0]
        with _quiet_stderr():
            _run(client, requests, tokens, rng)  # warm: caches, connections, imports
            results = _run(client, requests, tokens, rng)
            profile = _profile(client, requests, tokens, rng) if args.profile else None
            if args.compare:
                with without_cuts():
                    _run(client, requests[:100], tokens, rng)  # warm the old path too
                compared = _compare(client, requests, tokens, rng)
        load_after = os.getloadavg()[0]
    rows = []
    total_cpu = total_db = 0.0
    for kind, _share in MIX:
        stats = results[kind]
        cpu = summarize(stats["cpu"])
        n = cpu["n"]
        total_cpu += sum(stats["cpu"])
        total_db += stats["db"]
        rows.append(
            [
                kind, n, cpu["mean"], cpu["p50"], cpu["p95"], stats["db"] / n,
                summarize(stats["wall"])["p50"],
            ]
        )  # fmt: skip
    n = sum(len(s["cpu"]) for s in results.values())
    rows.append(["mix (40/40/20)", n, total_cpu / n, "", "", total_db / n, ""])
    cores_rps = 2000 / (total_cpu / n + total_db / n)
    print_table(
        f"CPU per API request, warm cache ({BENCH_DATABASE}, commit {git_commit()}, "
        f"load avg {load_before:.2f} before / {load_after:.2f} after)",
        [
            "kind", "n", "app CPU ms mean", "app CPU ms p50", "app CPU ms p95",
            "PostgreSQL CPU ms mean", "wall ms p50",
        ],
        rows,
    )  # fmt: skip
    print(
        f"\nApp + PostgreSQL CPU per request: {total_cpu / n + total_db / n:.2f} ms: "
        f"at most {cores_rps:.0f} requests/s on 2 cores if nothing else ran (no HTTP server, "
        "no Redis server CPU counted)."
    )
    if args.compare:
        _print_comparison(compared, load_before, load_after)
    if profile:
        categories, top = profile
        print_table(
            "Where the app's CPU goes (CPU-clock samples every 0.5 ms, same requests)",
            ["cost", "app CPU ms per request", "share of samples"],
            categories,
        )
        print_table(
            "Functions with the most CPU samples in their own code",
            ["function", "inclusive", "own code"],
            top,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
