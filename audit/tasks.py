"""Periodic jobs of the audit trail."""

from celery import shared_task

from audit.services import audit_purge_expired


@shared_task(name="audit.tasks.purge_expired_events")
def purge_expired_events() -> int:
    """Delete events past the retention period (Configurações); return how many."""
    return audit_purge_expired()
