from django.urls import path

from reports import views
from reports.metrics_views import MetricasView

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("exportar/", views.export_create, name="export_create"),
    path("exportacoes/<uuid:pk>/", views.export_detail, name="export_detail"),
    path("exportacoes/<uuid:pk>/baixar/", views.export_download, name="export_download"),
    path("exportacoes/<uuid:pk>/cancelar/", views.export_cancel, name="export_cancel"),
    path("metricas/", MetricasView.as_view(), name="metricas"),
]
