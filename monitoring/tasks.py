"""Periodic rebuild of the managers' daily usage metrics."""

from celery import shared_task
from django.utils import timezone

from monitoring.usage import usage_aggregate_day


@shared_task
def aggregate_usage(days: int = 2) -> int:
    """Rebuild the last ``days`` local days (today included): a late event of
    yesterday is counted on the next run."""
    today = timezone.localdate()
    return sum(usage_aggregate_day(dia=today - timezone.timedelta(days=n)) for n in range(days))
