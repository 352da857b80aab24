"""API routes of reports under /api/v1/."""

from django.urls import path

from reports.api import views

urlpatterns = [
    path("clients/export", views.ClientExportView.as_view(), name="api-client-export"),
    path("exports/", views.ExportListView.as_view(), name="api-export-list"),
    path("exports/<uuid:pk>/", views.ExportDetailView.as_view(), name="api-export-detail"),
    path(
        "exports/<uuid:pk>/download/",
        views.ExportDownloadView.as_view(),
        name="api-export-download",
    ),
    path("exports/<uuid:pk>/cancel/", views.ExportCancelView.as_view(), name="api-export-cancel"),
]
