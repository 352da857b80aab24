"""Webhook subscriptions and deliveries: register, record events, deliver, redeliver.

An event becomes one ``WebhookDelivery`` row per subscription, written in the
transaction of the change itself: a rolled-back change leaves no delivery.
After the commit, ``webhooks.tasks.deliver`` sends each subscription's due
deliveries oldest first, in batches, and re-queues itself for the rest, so a
bulk change never holds a worker for long. A failure is retried with
exponential backoff for 24 hours (``webhooks.tasks.deliver_due`` picks up
retries every minute); a later event of the same client waits for the one
before it, so each client's events arrive in order.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.choices import Action
from audit.services import audit_record
from clientes.api.serializers import ClienteSerializer
from clientes.models import Cliente
from clientes.signals import ID_ONLY_EVENTS
from webhooks import targets
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 3600
GIVE_UP_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(hours=24)
SIGNATURE_HEADER = "X-Webhook-Signature"


def sign(secret: str, body: bytes) -> str:
    """Return the X-Webhook-Signature value: sha256=<hex HMAC-SHA256 of the body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- Subscriptions -----------------------------------------------------------


def webhook_subscription_create(*, actor, url: str, events: list[str]) -> WebhookSubscription:
    """Register a target for ``events``; the returned object carries its secret.

    Raises ValidationError (pt-BR, keyed by field) for a URL that is not HTTPS
    or points at a private, loopback or link-local address.
    """
    try:
        targets.resolve_target(url)
    except ValidationError as exc:
        raise ValidationError({"url": exc.error_list}) from exc
    subscription = WebhookSubscription(
        owner=actor,
        url=url,
        events=sorted(set(events)),
        secret=secrets.token_hex(32),
        full_cpf=actor.has_perm("clientes.view_cpf_completo"),
    )
    with transaction.atomic():
        subscription.full_clean()
        subscription.save()
        audit_record(
            action=Action.WEBHOOK_CREATE,
            actor=actor,
            target=subscription,
            details={"url": url, "events": subscription.events},
        )
    return subscription


def webhook_subscription_delete(*, actor, subscription: WebhookSubscription) -> None:
    """Remove a subscription and its delivery log."""
    with transaction.atomic():
        audit_record(
            action=Action.WEBHOOK_DELETE,
            actor=actor,
            target=subscription,
            details={"url": subscription.url},
        )
        subscription.delete()


# --- Events --------------------------------------------------------------------


def _client_data(cliente, subscription: WebhookSubscription) -> dict:
    # The client as GET /api/v1/clients/{id}/ shows it to the subscription's
    # creator: the full CPF only if they were allowed to see it.
    viewer = subscription.owner if subscription.full_cpf else None
    request = SimpleNamespace(user=viewer)
    data = ClienteSerializer(cliente, context={"request": request}).data
    if cliente.merged_into_id is not None:  # client.merged: the client it now lives in
        data["merged_into"] = cliente.merged_into_id
    return data


def _body(event_id, event_type: str, created_at, data: dict) -> str:
    payload = {
        "id": str(event_id),
        "type": event_type,
        "created_at": created_at.isoformat(),
        "data": data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def on_cliente_changed(sender, *, event: str, cliente, **kwargs) -> None:
    """Receiver of clientes.signals.cliente_changed: queue the event for subscribers."""
    _queue(event, lambda: [cliente])


def on_clientes_changed(sender, *, event: str, ids, **kwargs) -> None:
    """Receiver of clientes.signals.clientes_changed: one event per client of a batch
    (an import's batch, a batch anonymisation), in id order."""
    if event in ID_ONLY_EVENTS:
        _queue(event, lambda: [SimpleNamespace(pk=pk) for pk in sorted(ids)])
        return
    _queue(
        event,
        lambda: (
            Cliente.objects.filter(pk__in=ids)
            .prefetch_related("enderecos", "telefones")
            .order_by("pk")
        ),
    )


def _event_data(event: str, cliente, subscription: WebhookSubscription) -> dict:
    if event in ID_ONLY_EVENTS:
        return {"id_cliente": cliente.pk}
    return _client_data(cliente, subscription)


def _queue(event: str, load_clientes) -> None:
    """Record the event of each client ``load_clientes()`` returns, per subscriber.

    The clients are loaded only when someone subscribes to the event.
    """
    subscriptions = list(
        WebhookSubscription.objects.filter(active=True, events__contains=[event]).select_related(
            "owner"
        )
    )
    if not subscriptions:
        return
    now = timezone.now()
    deliveries = []
    for cliente in load_clientes():
        event_id = uuid.uuid4()
        deliveries += [
            WebhookDelivery(
                subscription=subscription,
                event_id=event_id,
                event_type=event,
                id_cliente=cliente.pk,
                body=_body(event_id, event, now, _event_data(event, cliente, subscription)),
                created_at=now,
                next_attempt_at=now,
            )
            for subscription in subscriptions
        ]
    WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
    _deliver_after_commit({s.pk for s in subscriptions})


def _deliver_after_commit(subscription_ids: set[int]) -> None:
    # One queued task per subscription per transaction, however many clients
    # it changed (a bulk change adds thousands of deliveries).
    pending = connection.__dict__.setdefault("_webhook_pending", set())
    pending.update(subscription_ids)
    registered = any(func is _enqueue_pending for _sids, func, _robust in connection.run_on_commit)
    if not registered:
        transaction.on_commit(_enqueue_pending)


def _enqueue_pending() -> None:
    from webhooks.tasks import deliver

    pending = connection.__dict__.pop("_webhook_pending", set())
    for subscription_id in sorted(pending):
        deliver.delay(subscription_id)


# --- Delivery --------------------------------------------------------------------


def _due(subscription_id: int):
    now = timezone.now()
    earlier_pending = WebhookDelivery.objects.filter(
        subscription_id=subscription_id,
        id_cliente=OuterRef("id_cliente"),
        status=DeliveryStatus.PENDING,
        id__lt=OuterRef("id"),
    )
    return (
        WebhookDelivery.objects.filter(
            subscription_id=subscription_id,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
        )
        .exclude(Exists(earlier_pending))  # each client's events in order
        .order_by("id")
    )


def _send(delivery: WebhookDelivery, secret: str) -> tuple[int | None, str]:
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "GestaoClientes-Webhooks/1",
        "X-Webhook-Id": str(delivery.event_id),
        "X-Webhook-Timestamp": str(int(time.time())),
        "X-Webhook-Event": delivery.event_type,
        SIGNATURE_HEADER: sign(secret, body),
    }
    try:
        return targets.post(delivery.subscription.url, body, headers), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)[:255]
    except OSError as exc:
        return None, f"{type(exc).__name__}: {exc}"[:255]


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** (attempts - 1), RETRY_MAX_SECONDS))


def webhook_deliver_batch(*, subscription_id: int) -> int:
    """Send up to BATCH_SIZE due deliveries of one subscription; return how many were tried.

    Only one worker delivers a subscription at a time (advisory lock), which
    keeps each client's events in order.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [7218, subscription_id])
            if not cursor.fetchone()[0]:
                return 0
        subscription = (
            WebhookSubscription.objects.filter(pk=subscription_id, active=True)
            .select_for_update()
            .first()
        )
        if subscription is None:
            return 0
        tried = 0
        failed_clients = set()
        for delivery in _due(subscription_id)[:BATCH_SIZE]:
            if delivery.id_cliente in failed_clients:
                continue  # an earlier event of this client failed in this batch
            delivery.subscription = subscription
            tried += 1
            if not _attempt(delivery, subscription.secret):
                failed_clients.add(delivery.id_cliente)
        _update_health(subscription, failed=bool(failed_clients), tried=tried)
    return tried


def _attempt(delivery: WebhookDelivery, secret: str) -> bool:
    code, error = _send(delivery, secret)
    now = timezone.now()
    delivery.attempts += 1
    delivery.response_code = code
    delivery.error = error or str(_("Resposta HTTP %(code)s.") % {"code": code})
    if code is not None and 200 <= code < 300:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.error = ""
    elif now - delivery.created_at >= GIVE_UP_AFTER:
        delivery.status = DeliveryStatus.FAILED
    else:
        delivery.next_attempt_at = now + _backoff(delivery.attempts)
    delivery.save(
        update_fields=[
            "attempts", "response_code", "error", "status", "delivered_at", "next_attempt_at",
        ]
    )  # fmt: skip
    return delivery.status == DeliveryStatus.DELIVERED


def _update_health(subscription: WebhookSubscription, *, failed: bool, tried: int) -> None:
    if not tried:
        return
    now = timezone.now()
    if not failed:
        if subscription.failing_since:
            subscription.failing_since = None
            subscription.save(update_fields=["failing_since"])
        return
    if subscription.failing_since is None:
        subscription.failing_since = now
        subscription.save(update_fields=["failing_since"])
    elif now - subscription.failing_since >= DISABLE_AFTER:
        # A day of failures: stop, and tell the owner on the dashboard.
        subscription.active = False
        subscription.disabled_at = now
        subscription.save(update_fields=["active", "disabled_at"])
        audit_record(
            action=Action.WEBHOOK_DISABLE,
            actor=None,
            target=subscription,
            details={"url": subscription.url, "failing_since": subscription.failing_since},
        )
        logger.warning("webhook %s disabled after a day of failures", subscription.pk)


def webhook_has_due(*, subscription_id: int) -> bool:
    return _due(subscription_id).exists()


def webhook_subscriptions_due() -> list[int]:
    """Return the active subscriptions with a delivery due now (retries)."""
    return list(
        WebhookSubscription.objects.filter(
            active=True,
            deliveries__status=DeliveryStatus.PENDING,
            deliveries__next_attempt_at__lte=timezone.now(),
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def webhook_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (same X-Webhook-Id), now, whatever its status."""
    with transaction.atomic():
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "next_attempt_at"])
        audit_record(
            action=Action.WEBHOOK_REDELIVER,
            actor=actor,
            target=delivery.subscription,
            details={"event_id": str(delivery.event_id)},
        )
        _deliver_after_commit({delivery.subscription_id})
    return delivery
