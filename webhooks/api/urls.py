"""API routes of webhooks under /api/v1/."""

from django.urls import path

from webhooks.api import views

urlpatterns = [
    path("webhooks/", views.WebhookListView.as_view(), name="webhooks-list"),
    path("webhooks/<int:pk>/", views.WebhookDetailView.as_view(), name="webhooks-detail"),
    path(
        "webhooks/<int:pk>/deliveries/",
        views.WebhookDeliveryListView.as_view(),
        name="webhooks-deliveries",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/redeliver/",
        views.WebhookRedeliverView.as_view(),
        name="webhooks-redeliver",
    ),
]
