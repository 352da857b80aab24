"""Celery tasks of the clientes app."""

import logging

from celery import shared_task
from django.utils.translation import gettext as _

from clientes import bulk
from clientes.cache.reconcile import reconcile
from common.cache import store

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


@shared_task(
    name=bulk.BULK_RUN_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    # Batches commit one by one: past the soft limit the job fails cleanly with
    # what it changed recorded; a redelivered message resumes a killed one.
    soft_time_limit=30 * 60,
    time_limit=31 * 60,
)
def bulk_run_task(job_id: str) -> None:
    """Apply a confirmed bulk action (clientes.bulk) in batches."""
    try:
        bulk.bulk_run(job_id=job_id)
    except Exception:
        logger.exception("bulk action %s failed", job_id)
        bulk.bulk_fail(job_id=job_id, message=_("A ação foi interrompida por um erro interno."))
        raise
