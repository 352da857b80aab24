from django.urls import path

from imports.api import views

urlpatterns = [
    path("clients/imports/", views.ImportCreateView.as_view(), name="clients-imports"),
    path(
        "clients/imports/<uuid:pk>/",
        views.ImportDetailView.as_view(),
        name="clients-imports-detail",
    ),
    path(
        "clients/imports/<uuid:pk>/errors/",
        views.ImportErrorsView.as_view(),
        name="clients-imports-errors",
    ),
    path(
        "clients/imports/<uuid:pk>/cancel/",
        views.ImportCancelView.as_view(),
        name="clients-imports-cancel",
    ),
    path(
        "clients/imports/<uuid:pk>/undo/",
        views.ImportUndoView.as_view(),
        name="clients-imports-undo",
    ),
]
