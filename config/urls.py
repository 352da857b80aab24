"""Root URLconf: each app owns its routes; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import HomeView
from config.health import health

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("conta/", include("accounts.urls")),
    path("clientes/", include("clientes.urls")),
    path("relatorios/", include("reports.urls")),
    path("auditoria/", include("audit.urls")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# Unknown URLs under /api/ answer in the API's error format (JSON), not HTML.
handler404 = "config.api_errors.page_not_found"
