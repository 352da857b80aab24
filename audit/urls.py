from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="event_list"),
    path("exportar.csv", views.AuditEventCsvView.as_view(), name="event_csv"),
]
