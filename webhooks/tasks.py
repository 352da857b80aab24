"""Thin Celery tasks of webhook delivery (the work is in webhooks.services)."""

from celery import shared_task

from webhooks import services


@shared_task
def deliver(subscription_id: int) -> int:
    """Send one batch of a subscription's due deliveries; queue the next batch."""
    tried = services.webhook_deliver_batch(subscription_id=subscription_id)
    if tried and services.webhook_has_due(subscription_id=subscription_id):
        # Behind whatever else is queued: a bulk change does not hold the queue.
        deliver.delay(subscription_id)
    return tried


@shared_task
def deliver_due() -> int:
    """Every minute: queue the subscriptions whose retries are due."""
    due = services.webhook_subscriptions_due()
    for subscription_id in due:
        deliver.delay(subscription_id)
    return len(due)
