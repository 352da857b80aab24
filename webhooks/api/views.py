"""Webhook subscriptions under /api/v1/webhooks/ (Administradores only)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from clientes.api.errors import validation_error
from webhooks import services
from webhooks.api.serializers import (
    WebhookDeliverySerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionSerializer,
)
from webhooks.models import WebhookDelivery, WebhookSubscription


class CanManageWebhooks(BasePermission):
    message = _("Só administradores gerenciam webhooks.")

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user and user.is_authenticated and user.has_perm("webhooks.add_webhooksubscription")
        )


class _WebhookView(generics.GenericAPIView):
    permission_classes = [CanManageWebhooks]
    queryset = WebhookSubscription.objects.all()
    pagination_class = None


@extend_validation_errors(["url_https", "url_resolve", "url_privada"], field_name="url")
class WebhookListView(_WebhookView, generics.ListAPIView):
    serializer_class = WebhookSubscriptionSerializer

    @extend_schema(
        summary=_("Cadastrar webhook (o segredo aparece só nesta resposta)"),
        responses={201: WebhookSubscriptionCreatedSerializer},
    )
    def post(self, request):
        serializer = WebhookSubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            subscription = services.webhook_subscription_create(
                actor=request.user, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        data = WebhookSubscriptionCreatedSerializer(subscription).data
        return Response(data, status=status.HTTP_201_CREATED)


class WebhookDetailView(_WebhookView):
    serializer_class = WebhookSubscriptionSerializer

    @extend_schema(summary=_("Excluir webhook"), responses={204: None})
    def delete(self, request, pk):
        subscription = get_object_or_404(WebhookSubscription, pk=pk)
        services.webhook_subscription_delete(actor=request.user, subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveryListView(_WebhookView, generics.ListAPIView):
    """The last 100 deliveries of a subscription, newest first."""

    serializer_class = WebhookDeliverySerializer

    def get_queryset(self):
        subscription = get_object_or_404(WebhookSubscription, pk=self.kwargs["pk"])
        return subscription.deliveries.all()[:100]


class WebhookRedeliverView(_WebhookView):
    serializer_class = WebhookDeliverySerializer

    @extend_schema(summary=_("Reenviar uma entrega agora"), request=None)
    def post(self, request, pk, delivery_id):
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_id, subscription_id=pk)
        delivery = services.webhook_redeliver(actor=request.user, delivery=delivery)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data)
