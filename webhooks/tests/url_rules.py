"""Who may use the webhook URLs: Administradores only. See accounts/tests/matrix.py."""

from accounts.roles import ADMINISTRADOR
from accounts.tests.matrix import api
from webhooks.models import WebhookDelivery, WebhookSubscription


def _subscription(ctx):
    subscription = WebhookSubscription.objects.create(
        owner=ctx.users[ADMINISTRADOR],
        url="https://example.com/webhook",
        events=["client.created"],
        secret="s" * 64,
    )
    return subscription


def _subscription_kwargs(ctx):
    return {"pk": _subscription(ctx).pk}


def _delivery_kwargs(ctx):
    subscription = _subscription(ctx)
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_type="client.created", id_cliente=1, body="{}",
        status="failed",
    )  # fmt: skip
    return {"pk": subscription.pk, "delivery_id": delivery.pk}


url_rules = {
    "webhooks-list": api(ADMINISTRADOR),
    "webhooks-detail": api(ADMINISTRADOR, method="delete", kwargs=_subscription_kwargs, ok=204),
    "webhooks-deliveries": api(ADMINISTRADOR, kwargs=_subscription_kwargs),
    "webhooks-redeliver": api(
        ADMINISTRADOR, method="post", kwargs=_delivery_kwargs, content_type="application/json"
    ),
}
