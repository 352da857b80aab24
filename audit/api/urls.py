"""API routes of audit under /api/v1/."""

from django.urls import path

from audit.api import views

urlpatterns = [
    path("audit/events/", views.AuditEventListAPIView.as_view(), name="audit-event-list"),
]
