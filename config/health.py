"""Health endpoint for load balancers and compose healthchecks.

PostgreSQL is required ("down" → 503); Redis is an optimisation, so when only
the cache is unreachable the system is "degraded" but still answers 200.
"""

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.version import VERSION

logger = logging.getLogger(__name__)


def _check(probe):
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:
        logger.warning("health check failed: %s", type(exc).__name__)
        return {"ok": False, "ms": None}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.get("health:probe")


@never_cache
@require_GET
def health(request):
    """Return the status of the database and the cache as JSON."""
    checks = {"database": _check(_database), "cache": _check(_cache)}
    if not checks["database"]["ok"]:
        status, code = "down", 503
    elif not checks["cache"]["ok"]:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "version": VERSION, "checks": checks}, status=code)
