"""Celery task counts and durations, kept in the broker's Redis for /metrics.

Workers are processes (in production, containers) that Prometheus does not
scrape, and whose in-memory counters would die with them. So every finished
task adds to two hashes in the broker's Redis (HINCRBY: atomic, so any number
of workers on any host add up), and the web process answering /metrics reads
them (``monitoring.collectors.CeleryTaskCollector``). The broker database is
never evicted (see docker-compose.yml), so the counters only restart with it,
which Prometheus treats as any counter reset.
"""

from __future__ import annotations

import functools
import logging
from bisect import bisect_left
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import redis
from django.conf import settings
from redis.sentinel import Sentinel

logger = logging.getLogger(__name__)

TASKS_KEY = "gestao:metrics:celery:tasks"  # "<task>|<state>" -> finished tasks
DURATIONS_KEY = "gestao:metrics:celery:durations"  # "<task>|<bucket>", "|sum", "|count"
# Upper bounds (seconds) of the duration histogram: from a quick housekeeping
# task to an export of a million rows.
DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)
_SEP = "|"


@functools.cache
def _broker(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


SENTINEL_TIMEOUTS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}


def sentinel_master_params(url: str) -> dict:
    """Return ``master_for`` arguments for a ``sentinel://`` broker URL (Celery's form)."""
    first = urlsplit(url.split(";")[0])
    return {
        "service_name": settings.CELERY_BROKER_TRANSPORT_OPTIONS["master_name"],
        "db": int(first.path.lstrip("/") or 0),
        "password": first.password,
        "username": first.username or None,
    }


@functools.cache
def _sentinel_broker(url: str) -> redis.Redis:
    """Return a client of the broker's current master, found through the sentinels."""
    sentinel = Sentinel(
        settings.REDIS_SENTINELS, sentinel_kwargs=SENTINEL_TIMEOUTS, **SENTINEL_TIMEOUTS
    )
    return sentinel.master_for(**sentinel_master_params(url))


def broker_redis() -> redis.Redis | None:
    """Return a client of the broker's Redis, or None when the broker is not Redis."""
    url = settings.CELERY_BROKER_URL
    if url.startswith("sentinel://"):
        return _sentinel_broker(url)
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    return _broker(url)


def record_task(*, name: str, state: str, seconds: float) -> None:
    """Count one finished task of ``name`` in ``state`` and its duration."""
    conn = broker_redis()
    if conn is None:
        return
    bucket = bisect_left(DURATION_BUCKETS, seconds)  # len(DURATION_BUCKETS): +Inf
    try:
        # MULTI/EXEC: a scrape never sees the count without its bucket.
        with conn.pipeline(transaction=True) as pipe:
            pipe.hincrby(TASKS_KEY, f"{name}{_SEP}{state}", 1)
            pipe.hincrby(DURATIONS_KEY, f"{name}{_SEP}{bucket}", 1)
            pipe.hincrbyfloat(DURATIONS_KEY, f"{name}{_SEP}sum", seconds)
            pipe.hincrby(DURATIONS_KEY, f"{name}{_SEP}count", 1)
            pipe.execute()
    except redis.RedisError as exc:  # a metric is never worth failing a task
        logger.warning("task metrics not recorded: %s", type(exc).__name__)


@dataclass
class TaskDurations:
    """One task's duration histogram (counts per bucket, the last one +Inf)."""

    buckets: list[int] = field(default_factory=lambda: [0] * (len(DURATION_BUCKETS) + 1))
    sum: float = 0.0
    count: int = 0

    def cumulative(self) -> list[tuple[str, int]]:
        """Return Prometheus' (le, cumulative count) pairs."""
        bounds = [*(repr(b) for b in DURATION_BUCKETS), "+Inf"]
        running, pairs = 0, []
        for bound, count in zip(bounds, self.buckets, strict=True):
            running += count
            pairs.append((bound, running))
        return pairs


def read_task_metrics(conn: redis.Redis) -> tuple[dict[tuple[str, str], int], dict]:
    """Return ({(task, state): count}, {task: TaskDurations}) from the broker."""
    with conn.pipeline(transaction=True) as pipe:
        pipe.hgetall(TASKS_KEY)
        pipe.hgetall(DURATIONS_KEY)
        tasks_raw, durations_raw = pipe.execute()
    counts = {}
    for key, value in tasks_raw.items():
        task, _, state = key.decode().rpartition(_SEP)
        counts[(task, state)] = int(value)
    durations: dict[str, TaskDurations] = {}
    for key, value in durations_raw.items():
        task, _, part = key.decode().rpartition(_SEP)
        histogram = durations.setdefault(task, TaskDurations())
        if part == "sum":
            histogram.sum = float(value)
        elif part == "count":
            histogram.count = int(value)
        elif part.isdigit() and int(part) < len(histogram.buckets):
            histogram.buckets[int(part)] = int(value)
    return counts, durations
