"""Health endpoint for load balancers and compose healthchecks.

The probes are django-health-check's (database, cache, broker, Celery worker
ping); the verdict is ours, because not every failure means "take this node
out": only PostgreSQL is required ("down" → 503). Without the Redis cache
searches fall back to PostgreSQL, and without the broker or a worker only
exports wait, so those are "degraded" (200) and show up in monitoring.
"""

import asyncio
import datetime
import logging
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check.checks import Cache, Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as RedisClient

from config.celery import app as celery_app
from config.version import VERSION

logger = logging.getLogger(__name__)

PROBE_TIMEOUT = datetime.timedelta(seconds=1)


class WorkerPing(Ping):
    """Ping Celery workers, answering as soon as one replies."""

    def check_active_queues(self, *active_workers):
        # The library's per-queue inspect waits its full timeout on every call;
        # one queue, any worker that answered the ping consumes it.
        return None


def _broker_client():
    return RedisClient.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=0.5, socket_timeout=0.5
    )


def _probes() -> dict:
    return {
        "database": Database(),
        "cache": Cache(timeout=PROBE_TIMEOUT),
        "broker": Redis(client_factory=_broker_client),
    }


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
    """Return the status of database, cache, broker and workers as JSON."""
    # The probes are coroutines: run them on a private event loop in a worker
    # thread, whatever the calling thread already runs (async_to_sync refuses
    # a thread with a running loop).
    with ThreadPoolExecutor(max_workers=1) as pool:
        results = pool.submit(asyncio.run, _run_checks()).result()
    checks = {name: _summary(result) for name, result in results.items()}
    if not checks["database"]["ok"]:
        status, code = "down", 503
    elif all(check["ok"] for check in checks.values()):
        status, code = "ok", 200
    else:
        status, code = "degraded", 200
    return JsonResponse({"status": status, "version": VERSION, "checks": checks}, status=code)
