"""Root URLconf: each app owns its routes; the API lives under /api/v1/."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views import HomeView
from config.health import health, health_deep
from monitoring.views import metrics

# The admin carries the product's name, not Django's.
admin.site.site_header = _("Gestão de Clientes — Administração")
admin.site.site_title = _("Gestão de Clientes")
admin.site.index_title = _("Administração")

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("conta/", include("accounts.urls")),
    path("conta/", include("accounts.mfa.urls")),
    path("clientes/duplicados/", include("duplicates.urls")),
    path("clientes/importar/", include("imports.urls")),
    path("clientes/", include("clientes.urls")),
    path("relatorios/", include("reports.urls")),
    path("metricas/", include("monitoring.urls")),
    path("auditoria/", include("audit.urls")),
    path("lgpd/", include("lgpd.urls")),
    # The admin's own login would skip the second factor: everyone logs in here.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("health/deep/", health_deep, name="health-deep"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its initialiser as a script file (CSP: no inline
    # script); Swagger UI still needs inline styles on this page only.
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema")
        ),
        name="api-docs",
    ),
]

# Unknown URLs under /api/ answer in the API's error format (JSON), not HTML.
handler404 = "config.api_errors.page_not_found"
