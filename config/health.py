"""Health endpoints: a public liveness answer and a deep check for monitoring.

``/health/`` (load balancers, compose healthchecks) is public and touches no
backend: the process is up and serves requests. It costs nothing, so nobody
can make the app hammer its own services through it.

``/health/deep/`` runs django-health-check's probes (database, cache, broker,
Celery worker ping, the last one a 1 s broadcast) for whoever may read
/metrics (monitoring.access); anyone else gets 403. The probes run at most
once per ``HEALTH_DEEP_MIN_INTERVAL`` seconds per process: callers in between
get the last result (``cached``), so even the allowed callers cannot multiply
the load. The verdict is ours, because not every failure means "take this node
out": only PostgreSQL is required ("down" → 503). Without the Redis cache
searches fall back to PostgreSQL, and without the broker or a worker only
exports wait, so those are "degraded" (200) and show up in monitoring.
"""

import asyncio
import datetime
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.http import HttpResponseForbidden, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as RedisClient
from redis.asyncio.sentinel import Sentinel as AsyncSentinel

from common import replicas
from config.celery import app as celery_app
from config.version import VERSION
from monitoring.access import may_read_monitoring
from monitoring.task_metrics import SENTINEL_TIMEOUTS, sentinel_master_params

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = datetime.timedelta(seconds=1)


class WorkerPing(Ping):
    """Ping Celery workers, answering as soon as one replies."""

    def check_active_queues(self, *active_workers):
        # The library's per-queue inspect waits its full timeout on every call;
        # one queue, any worker that answered the ping consumes it.
        return None


def _broker_client():
    url = settings.CELERY_BROKER_URL
    if url.startswith("sentinel://"):
        sentinel = AsyncSentinel(
            settings.REDIS_SENTINELS, sentinel_kwargs=SENTINEL_TIMEOUTS, **SENTINEL_TIMEOUTS
        )
        return sentinel.master_for(**sentinel_master_params(url))
    return RedisClient.from_url(url, **SENTINEL_TIMEOUTS)


def _probes() -> dict:
    return {
        "database": Database(),
        "cache": Cache(timeout=PROBE_TIMEOUT),
        "broker": Redis(client_factory=_broker_client),
    }


def _replicas_check() -> dict:
    """Each read replica's lag; not ok when none is usable (the primary serves alone)."""
    lags = replicas.status()
    usable = [lag for lag in lags.values() if lag is not None and lag <= replicas.max_lag()]
    return {"ok": bool(usable), "lag_seconds": lags}


async def _run_checks() -> dict:
    names, probes = zip(*_probes().items(), strict=True)
    results = dict(zip(names, await asyncio.gather(*(p.get_result() for p in probes)), strict=True))
    # A worker ping through a dead broker would only hang in kombu's retries.
    if results["broker"].error is None:
        ping = WorkerPing(app=celery_app, timeout=PROBE_TIMEOUT, limit=1)
        results["worker"] = await ping.get_result()
    else:
        results["worker"] = None
    return results


def _summary(result) -> dict:
    if result is None:
        return {"ok": False, "ms": None}
    if result.error is not None:
        logger.warning("health check failed: %s", result.error)
        return {"ok": False, "ms": None}
    return {"ok": True, "ms": round(result.time_taken * 1000, 1)}


@never_cache
@require_GET
def health(request):
    """Return that this process is alive (no backend is touched)."""
    return JsonResponse({"status": "alive", "version": VERSION})


_last_deep: tuple[float, dict, int] | None = None  # (monotonic time, body, status)
_deep_lock = threading.Lock()


def _deep_result() -> tuple[dict, int]:
    """Return the probes' verdict, running them only if the last one is too old."""
    global _last_deep
    # One probe run at a time: concurrent callers wait for it and share it.
    with _deep_lock:
        now = time.monotonic()
        if _last_deep is not None and now - _last_deep[0] < settings.HEALTH_DEEP_MIN_INTERVAL:
            return {**_last_deep[1], "cached": True}, _last_deep[2]
        # The probes are coroutines: run them on a private event loop in a
        # worker thread, whatever the calling thread already runs
        # (async_to_sync refuses a thread with a running loop).
        with ThreadPoolExecutor(max_workers=1) as pool:
            results = pool.submit(asyncio.run, _run_checks()).result()
        checks = {name: _summary(result) for name, result in results.items()}
        if replicas.configured():
            checks["replicas"] = _replicas_check()
        if not checks["database"]["ok"]:
            status, code = "down", 503
        elif all(check["ok"] for check in checks.values()):
            status, code = "ok", 200
        else:
            status, code = "degraded", 200
        body = {
            "status": status,
            "version": VERSION,
            "checked_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "checks": checks,
        }
        _last_deep = (time.monotonic(), body, code)
        return {**body, "cached": False}, code


def forget_deep_result() -> None:
    """Drop this process's last deep result (tests)."""
    global _last_deep
    _last_deep = None


@never_cache
@require_GET
def health_deep(request):
    """Return the status of database, cache, broker and workers as JSON (monitoring only)."""
    if not may_read_monitoring(request):
        return HttpResponseForbidden(
            _("Acesso à verificação de saúde detalhada negado."), content_type="text/plain"
        )
    body, code = _deep_result()
    return JsonResponse(body, status=code)
