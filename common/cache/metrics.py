"""Counters of the client cache: in-process figures and their Prometheus twins.

Each process (gunicorn worker, Celery worker) counts its own events twice: in
plain dicts (``snapshot()``, for tests, benchmarks and the reconciliation) and
in ``prometheus_client`` metrics, which gunicorn's multiprocess mode writes to
PROMETHEUS_MULTIPROC_DIR so that /metrics adds every worker up. Nothing here
touches Redis or the database, so the figures exist exactly when the cache
does not.

``observe_lookups()`` tells a caller whether the lookups made inside it were
answered by Redis: the search views record it in the search's audit event.

Public functions (stable names for the operations exporter):

- ``snapshot()`` -> dict with ``counters`` ({name: int}), ``redis_latency``
  (cumulative histogram: ``buckets_ms``, ``counts``, ``sum_ms``, ``count``) and
  ``gauges`` ({name: float}).
- ``hit_ratio(kind=None)`` -> hits / (hits + misses), or None before any lookup.
- ``lookup(kind, hit)`` counts one lookup; ``incr(name)`` any other event.

Counter names: ``hit.<kind>``, ``miss.<kind>`` (kind: profile, cpf, search,
permissions),
``degraded_read`` (served from PostgreSQL because Redis failed),
``redis_error``, ``stale_set_refused``, ``invalidation``,
``invalidation_missed``, ``lock_wait``, ``epoch_bump``, ``consistency_alert``,
``replica_behind`` (a cache fill read the primary: the replica had not replayed
the latest invalidation).
Gauge: ``consistency_ratio`` (last reconciliation run in this process).

Prometheus: ``gestao_cache_lookups_total{kind, result}`` (result: hit/miss),
``gestao_cache_events_total{event}`` (the other counters) and the histogram
``gestao_cache_redis_duration_seconds``. The consistency ratio is exported from
the database instead (monitoring.collectors), as every process sees the same.
"""

import threading
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS_MS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0)
HIT, MISS = "hit", "miss"
KINDS = ("profile", "cpf", "search", "permissions")
EVENT_NAMES = (
    "degraded_read",
    "redis_error",
    "stale_set_refused",
    "invalidation",
    "invalidation_missed",
    "lock_wait",
    "epoch_bump",
    "consistency_alert",
    "replica_behind",
    "forged_entry",
)

LOOKUPS = Counter(
    "gestao_cache_lookups",
    "Consultas ao cache de clientes, por tipo (profile, cpf, search, permissions) e resultado.",
    ["kind", "result"],
)
EVENTS = Counter(
    "gestao_cache_events",
    "Outros eventos do cache de clientes (degraded_read, redis_error, invalidation...).",
    ["event"],
)
REDIS_LATENCY = Histogram(
    "gestao_cache_redis_duration_seconds",
    "Duração das operações do cache de clientes no Redis.",
    buckets=tuple(ms / 1000 for ms in LATENCY_BUCKETS_MS),
)
# Every series exists from the start (at 0), so rates and ratios work before
# the first event of a kind.
for _kind in KINDS:
    for _result in (HIT, MISS):
        LOOKUPS.labels(kind=_kind, result=_result)
for _event in EVENT_NAMES:
    EVENTS.labels(event=_event)

_lock = threading.Lock()
_counters: dict[str, int] = {}
_gauges: dict[str, float] = {}
_latency_counts = [0] * (len(LATENCY_BUCKETS_MS) + 1)  # last one is +Inf
_latency_sum_ms = 0.0


def _count(name: str, amount: int) -> None:
    with _lock:
        _counters[name] = _counters.get(name, 0) + amount


def incr(name: str, amount: int = 1) -> None:
    """Count an event other than a lookup (``lookup`` counts those)."""
    _count(name, amount)
    EVENTS.labels(event=name).inc(amount)


def lookup(kind: str, *, hit: bool) -> None:
    """Count one lookup of ``kind``: answered by Redis (hit) or computed (miss)."""
    result = HIT if hit else MISS
    _count(f"{result}.{kind}", 1)
    LOOKUPS.labels(kind=kind, result=result).inc()
    note_outcome(kind, result)


def note_outcome(kind: str, result: str) -> None:
    """Tell an enclosing ``observe_lookups`` how a lookup of ``kind`` was
    answered (a degraded read, answered by PostgreSQL, is a miss to it)."""
    observed = _observed.get()
    if observed is not None and kind in observed.kinds:
        observed.outcomes.append(result)


@dataclass
class ObservedLookups:
    """The outcomes of the cache lookups of ``kinds`` made inside ``observe_lookups``."""

    kinds: frozenset[str]
    outcomes: list[str] = field(default_factory=list)

    @property
    def result(self) -> str | None:
        """Return "hit" if Redis answered every lookup, "miss" if it missed one,
        None if nothing was looked up (the answer never involved the cache)."""
        if not self.outcomes:
            return None
        return HIT if all(o == HIT for o in self.outcomes) else MISS


# The outcomes of the lookups made inside ``observe_lookups`` (None outside).
_observed: ContextVar[ObservedLookups | None] = ContextVar("clientes_cache_observed", default=None)


@contextmanager
def observe_lookups(*kinds: str) -> Iterator[ObservedLookups]:
    """Collect the outcome of every lookup of ``kinds`` this context makes inside
    (only those: a permission set fetched on the way is not the search's answer)."""
    observed = ObservedLookups(kinds=frozenset(kinds))
    token = _observed.set(observed)
    try:
        yield observed
    finally:
        _observed.reset(token)


def set_gauge(name: str, value: float) -> None:
    with _lock:
        _gauges[name] = value


def observe_redis_latency(ms: float) -> None:
    """Record the duration of one Redis round trip."""
    global _latency_sum_ms
    with _lock:
        _latency_counts[bisect_left(LATENCY_BUCKETS_MS, ms)] += 1
        _latency_sum_ms += ms
    REDIS_LATENCY.observe(ms / 1000)


def snapshot() -> dict:
    """Return a copy of every counter, gauge and the latency histogram."""
    with _lock:
        cumulative, running = [], 0
        for count in _latency_counts:
            running += count
            cumulative.append(running)
        return {
            "counters": dict(_counters),
            "gauges": dict(_gauges),
            "redis_latency": {
                "buckets_ms": [*LATENCY_BUCKETS_MS, float("inf")],
                "counts": cumulative,
                "sum_ms": _latency_sum_ms,
                "count": running,
            },
        }


def hit_ratio(kind: str | None = None) -> float | None:
    """Return the share of lookups answered by Redis (all kinds, or one)."""
    with _lock:
        hits = sum(v for k, v in _counters.items() if _matches(k, "hit", kind))
        misses = sum(v for k, v in _counters.items() if _matches(k, "miss", kind))
    total = hits + misses
    return hits / total if total else None


def _matches(name: str, event: str, kind: str | None) -> bool:
    head, _, tail = name.partition(".")
    return head == event and (kind is None or tail == kind)


def reset() -> None:
    """Zero the in-process figures (tests and benchmarks); Prometheus counters
    only ever grow."""
    global _latency_sum_ms
    with _lock:
        _counters.clear()
        _gauges.clear()
        _latency_counts[:] = [0] * len(_latency_counts)
        _latency_sum_ms = 0.0
