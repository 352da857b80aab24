"""Webhook subscriptions of integrators and the log of every delivery."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientes.signals import EVENTS


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pendente")
    DELIVERED = "delivered", _("Entregue")
    FAILED = "failed", _("Falhou (desistimos)")


class WebhookSubscription(models.Model):
    """A URL that receives the chosen client events, signed with its secret."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhooks"
    )
    url = models.URLField(_("URL"), max_length=500)
    events = ArrayField(
        models.CharField(max_length=40, choices=[(e, e) for e in EVENTS]), verbose_name=_("eventos")
    )
    # HMAC key shared with the receiver; shown once, when the subscription is created.
    secret = models.CharField(max_length=64, editable=False)
    # Decided at creation: the creator could see full CPFs, so the payloads carry them.
    full_cpf = models.BooleanField(_("CPF completo"), default=False, editable=False)
    active = models.BooleanField(_("ativa"), default=True)
    failing_since = models.DateTimeField(_("falhando desde"), null=True, blank=True)
    disabled_at = models.DateTimeField(_("desativada em"), null=True, blank=True)
    created_at = models.DateTimeField(_("criada em"), default=timezone.now)

    class Meta:
        verbose_name = _("assinatura de webhook")
        verbose_name_plural = _("assinaturas de webhook")
        ordering = ["-created_at"]

    def __str__(self):
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription: the exact body sent and how it went.

    ``event_id`` is the ``X-Webhook-Id``: the same on every attempt and on a
    manual redelivery, so receivers can drop duplicates.
    """

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    event_type = models.CharField(max_length=40)
    id_cliente = models.BigIntegerField()
    body = models.TextField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("entrega de webhook")
        verbose_name_plural = _("entregas de webhook")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["subscription", "next_attempt_at", "id"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"
