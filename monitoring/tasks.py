"""Periodic rebuild of the managers' daily usage metrics."""

from celery import shared_task
from django.utils import timezone

from monitoring.usage import usage_aggregate_day, usage_stale_days


@shared_task
def aggregate_usage(days: int = 2) -> int:
    """Rebuild the last ``days`` local days (today included): a late event of
    yesterday is counted on the next run. Then recount a few older days that an
    older version aggregated, so they gain the newer figures within hours."""
    today = timezone.localdate()
    recent = [today - timezone.timedelta(days=n) for n in range(days)]
    stale = [dia for dia in usage_stale_days() if dia not in recent]
    return sum(usage_aggregate_day(dia=dia) for dia in recent + stale)
