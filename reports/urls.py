from django.urls import path
from django.views.generic import RedirectView

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("exportar/", views.export_create, name="export_create"),
    path("exportacoes/<uuid:pk>/", views.export_detail, name="export_detail"),
    path("exportacoes/<uuid:pk>/baixar/", views.export_download, name="export_download"),
    path("exportacoes/<uuid:pk>/cancelar/", views.export_cancel, name="export_cancel"),
    # The managers' metrics moved to /metricas/ (monitoring); old links and
    # bookmarks follow, with their period.
    path(
        "metricas/",
        RedirectView.as_view(pattern_name="monitoring:metricas", query_string=True),
        name="metricas",
    ),
]
