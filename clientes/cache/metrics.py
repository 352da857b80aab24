"""In-process counters of the client cache, for the Prometheus exporter.

Each process (gunicorn worker, Celery worker) counts its own events; an
exporter reads ``snapshot()`` and publishes the figures (Prometheus sums them
across processes). Nothing here touches Redis or the database, so the figures
are available exactly when the cache is not.

Public functions (stable names for the operations exporter):

- ``snapshot()`` -> dict with ``counters`` ({name: int}), ``redis_latency``
  (cumulative histogram: ``buckets_ms``, ``counts``, ``sum_ms``, ``count``) and
  ``gauges`` ({name: float}).
- ``hit_ratio(kind=None)`` -> hits / (hits + misses), or None before any lookup.

Counter names: ``hit.<kind>``, ``miss.<kind>`` (kind: profile, cpf, search),
``degraded_read`` (served from PostgreSQL because Redis failed),
``redis_error``, ``stale_set_refused``, ``invalidation``,
``invalidation_missed``, ``lock_wait``, ``epoch_bump``, ``consistency_alert``.
Gauge: ``consistency_ratio`` (last reconciliation run in this process).
"""

import threading
from bisect import bisect_left

LATENCY_BUCKETS_MS = (0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0)

_lock = threading.Lock()
_counters: dict[str, int] = {}
_gauges: dict[str, float] = {}
_latency_counts = [0] * (len(LATENCY_BUCKETS_MS) + 1)  # last one is +Inf
_latency_sum_ms = 0.0


def incr(name: str, amount: int = 1) -> None:
    with _lock:
        _counters[name] = _counters.get(name, 0) + amount


def set_gauge(name: str, value: float) -> None:
    with _lock:
        _gauges[name] = value


def observe_redis_latency(ms: float) -> None:
    """Record the duration of one Redis round trip."""
    global _latency_sum_ms
    with _lock:
        _latency_counts[bisect_left(LATENCY_BUCKETS_MS, ms)] += 1
        _latency_sum_ms += ms


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
    """Zero everything (tests and benchmarks)."""
    global _latency_sum_ms
    with _lock:
        _counters.clear()
        _gauges.clear()
        _latency_counts[:] = [0] * len(_latency_counts)
        _latency_sum_ms = 0.0
