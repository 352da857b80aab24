"""Metrics read at scrape time from PostgreSQL and Redis.

These describe shared state (sessions in the database, the broker queue, the
task counters the workers keep in the broker, the Redis server), so any web
process can report them and none has to count them. Each probe is cheap (an
indexed COUNT, LLEN, HGETALL of a few dozen fields, INFO, PING) and a failing
one is skipped rather than breaking the whole scrape.
"""

import logging
import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_redis import get_redis_connection
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import CollectorRegistry

from monitoring.task_metrics import broker_redis, read_task_metrics

logger = logging.getLogger(__name__)

# Celery's default queue and the exports' own (settings.CELERY_TASK_ROUTES);
# the Redis transport keeps each as a list of that name, and the messages
# delivered to workers but not yet acknowledged in a hash.
CELERY_QUEUES = ("celery", settings.EXPORTS_QUEUE)
UNACKED_KEY = "unacked"


def _probe(name, fn):
    try:
        return fn()
    except Exception as exc:
        logger.warning("metrics probe %s failed: %s", name, type(exc).__name__)
        return None


class SessionCollector:
    """Active (unexpired) sessions in the database session store."""

    def collect(self):
        count = _probe(
            "sessions", lambda: Session.objects.filter(expire_date__gt=timezone.now()).count()
        )
        if count is not None:
            yield GaugeMetricFamily(
                "gestao_active_sessions", "Sessões ativas (não expiradas).", value=count
            )


class RedisCacheCollector:
    """Round-trip time of the cache's Redis and its server-wide hit/miss counters."""

    def collect(self):
        def ping_and_info():
            conn = get_redis_connection("default")
            started = time.perf_counter()
            conn.ping()
            elapsed = time.perf_counter() - started
            return elapsed, conn.info("stats")

        result = _probe("redis", ping_and_info)
        up = GaugeMetricFamily("gestao_redis_up", "Redis do cache responde (1) ou não (0).")
        up.add_metric([], 1 if result else 0)
        yield up
        if result is None:
            return
        elapsed, stats = result
        yield GaugeMetricFamily(
            "gestao_redis_ping_seconds", "Latência de um PING ao Redis do cache.", value=elapsed
        )
        # Server-wide: Redis does not count per database.
        lookups = CounterMetricFamily(
            "gestao_redis_keyspace_lookups",
            "Leituras de chaves no Redis do cache, por resultado (hit/miss).",
            labels=["result"],
        )
        lookups.add_metric(["hit"], stats.get("keyspace_hits", 0))
        lookups.add_metric(["miss"], stats.get("keyspace_misses", 0))
        yield lookups


class CeleryQueueCollector:
    """Tasks waiting in the broker (not yet taken by a worker), and the ones a
    worker took but has not finished (running or prefetched)."""

    def collect(self):
        def lengths():
            conn = broker_redis()
            if conn is None:
                return None
            with conn.pipeline(transaction=False) as pipe:
                for queue in CELERY_QUEUES:
                    pipe.llen(queue)
                pipe.hlen(UNACKED_KEY)
                *queued, unacked = pipe.execute()
            return dict(zip(CELERY_QUEUES, queued, strict=True)), unacked

        result = _probe("celery_queue", lengths)
        if result is None:
            return
        queued, unacked = result
        family = GaugeMetricFamily(
            "gestao_celery_queue_length", "Tarefas aguardando na fila do Celery.", labels=["queue"]
        )
        for queue, length in queued.items():
            family.add_metric([queue], length)
        yield family
        yield GaugeMetricFamily(
            "gestao_celery_tasks_reserved",
            "Tarefas entregues a um worker e ainda não concluídas (em execução ou reservadas).",
            value=unacked,
        )


class CeleryTaskCollector:
    """Finished Celery tasks by name and state, and their durations, as the
    workers recorded them in the broker (monitoring.task_metrics)."""

    def collect(self):
        conn = broker_redis()
        result = _probe("celery_tasks", lambda: read_task_metrics(conn)) if conn else None
        if result is None:
            return
        counts, durations = result
        tasks = CounterMetricFamily(
            "gestao_celery_tasks",
            "Tarefas do Celery concluídas, por nome e situação (SUCCESS, FAILURE, RETRY...).",
            labels=["task", "state"],
        )
        for (task, state), count in sorted(counts.items()):
            tasks.add_metric([task, state], count)
        yield tasks
        duration = HistogramMetricFamily(
            "gestao_celery_task_duration_seconds",
            "Duração das tarefas do Celery, por nome.",
            labels=["task"],
        )
        for task, histogram in sorted(durations.items()):
            duration.add_metric([task], histogram.cumulative(), sum_value=histogram.sum)
        yield duration


class ExportCollector:
    """Export jobs kept in the database, by format and status, and how long
    the ones finished in the last day took (p95 per format)."""

    def collect(self):
        from django.db.models import Count, F

        from reports.models import ExportJob

        def read():
            counts = list(ExportJob.objects.values_list("format", "status").annotate(n=Count("pk")))
            since = timezone.now() - timezone.timedelta(days=1)
            durations = {}
            finished = ExportJob.objects.filter(
                finished_at__gte=since, started_at__isnull=False
            ).values_list("format", F("finished_at") - F("started_at"))
            for fmt, took in finished:
                durations.setdefault(fmt, []).append(took.total_seconds())
            return counts, durations

        result = _probe("exports", read)
        if result is None:
            return
        counts, durations = result
        jobs = GaugeMetricFamily(
            "gestao_exports",
            "Exportações guardadas, por formato e situação.",
            labels=["format", "status"],
        )
        for fmt, status, n in counts:
            jobs.add_metric([fmt, status], n)
        yield jobs
        p95 = GaugeMetricFamily(
            "gestao_export_duration_p95_seconds",
            "p95 da duração das exportações concluídas nas últimas 24 h, por formato.",
            labels=["format"],
        )
        for fmt, values in durations.items():
            values.sort()
            p95.add_metric([fmt], values[min(len(values) - 1, int(0.95 * len(values)))])
        yield p95


class ConsistencyCollector:
    """The last cache reconciliation: share of cached clients equal to PostgreSQL."""

    def collect(self):
        from clientes.models import ConsistencyCheck

        last = _probe("consistency", lambda: ConsistencyCheck.objects.order_by("-ran_at").first())
        if last is not None:
            yield GaugeMetricFamily(
                "gestao_cache_consistency_ratio",
                "Consistência cache x PostgreSQL na última reconciliação (0 a 1).",
                value=last.ratio,
            )


class ReplicaCollector:
    """Each read replica's lag as this app node measures it (common/replicas.py).

    Zero when the replica has replayed all it received, so an idle system shows
    no lag (postgres_exporter's pg_replication_lag_seconds grows with the time
    since the last write). ``gestao_replica_up`` is 0 when the replica is
    unreachable or further behind than REPLICA_MAX_LAG_SECONDS: out of the
    rotation, its reads served by the primary. Both families are always
    declared (empty without DATABASE_REPLICA_URLS).
    """

    def collect(self):
        from common import replicas

        lags = _probe("replicas", replicas.status) or {}
        lag = GaugeMetricFamily(
            "gestao_replica_lag_seconds",
            "Atraso de cada réplica de leitura do PostgreSQL, medido pelo app.",
            labels=["replica"],
        )
        up = GaugeMetricFamily(
            "gestao_replica_up",
            "Réplica de leitura em uso (1) ou fora da rotação (0: inacessível ou atrasada).",
            labels=["replica"],
        )
        for alias, seconds in sorted(lags.items()):
            if seconds is not None:
                lag.add_metric([alias], seconds)
            in_rotation = seconds is not None and seconds <= replicas.max_lag()
            up.add_metric([alias], 1 if in_rotation else 0)
        yield lag
        yield up


def scrape_registry() -> CollectorRegistry:
    """Return a registry of the scrape-time collectors (kept apart from the
    per-process ones, which gunicorn's multiprocess mode aggregates)."""
    registry = CollectorRegistry(auto_describe=False)
    collectors = (
        SessionCollector(),
        RedisCacheCollector(),
        CeleryQueueCollector(),
        CeleryTaskCollector(),
        ExportCollector(),
        ConsistencyCollector(),
        ReplicaCollector(),
    )
    for collector in collectors:
        registry.register(collector)
    return registry
