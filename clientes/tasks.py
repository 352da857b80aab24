"""Celery tasks of the clientes app."""

import logging

from celery import shared_task

from clientes.cache import store
from clientes.cache.reconcile import reconcile

logger = logging.getLogger(__name__)


@shared_task(name="clientes.tasks.cache_reconcile", ignore_result=True)
def cache_reconcile() -> dict | None:
    """Compare the Redis cache with PostgreSQL and repair it (scheduled by beat)."""
    try:
        report = reconcile()
    except store.CacheUnavailable:
        logger.warning("cache reconciliation skipped: Redis is unavailable")
        return None
    return report.as_dict() if report else None
