"""Routes of the versioned REST API (/api/v1/), one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("accounts.mfa.api.urls")),
    path("", include("imports.api.urls")),
    path("", include("clientes.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("audit.api.urls")),
    path("", include("lgpd.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("duplicates.api.urls")),
]
