from celery import shared_task

from idempotency.services import idempotency_purge


@shared_task
def purge_expired_keys() -> int:
    """Daily: forget Idempotency-Key answers past their 24 hours."""
    return idempotency_purge()
