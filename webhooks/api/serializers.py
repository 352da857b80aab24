"""JSON shapes of webhook subscriptions and their delivery log."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clientes.signals import EVENTS
from webhooks.models import WebhookDelivery, WebhookSubscription


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    url = serializers.URLField(
        max_length=500, help_text=_("HTTPS, num endereço público (verificado a cada entrega).")
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(EVENTS)),
        min_length=1,
        max_length=len(EVENTS),
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "active", "full_cpf", "failing_since", "disabled_at",
                  "created_at"]  # fmt: skip
        read_only_fields = ["active", "full_cpf", "failing_since", "disabled_at", "created_at"]


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    """The answer to the creation: the only time the secret is shown."""

    secret = serializers.CharField(
        read_only=True,
        help_text=_("Chave do HMAC-SHA256 de X-Webhook-Signature. Mostrada só agora: guarde-a."),
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event_id", "event_type", "id_cliente", "status", "attempts", "response_code",
            "error", "created_at", "next_attempt_at", "delivered_at",
        ]  # fmt: skip
        read_only_fields = fields
