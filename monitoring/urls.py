from django.urls import path

from monitoring.usage_views import MetricasView

app_name = "monitoring"

urlpatterns = [
    path("", MetricasView.as_view(), name="metricas"),
]
