"""API routes of clientes under /api/v1/."""

from django.urls import path

from clientes.api import bulk, saved_searches, views
from clientes.api.search import ClienteSearchAPIView

urlpatterns = [
    path("clients/search", ClienteSearchAPIView.as_view(), name="clients-search"),
    path("clients/bulk/", bulk.BulkActionCreateView.as_view(), name="clients-bulk"),
    path(
        "clients/bulk/<uuid:pk>/", bulk.BulkActionDetailView.as_view(), name="clients-bulk-detail"
    ),
    path(
        "clients/bulk/<uuid:pk>/cancel/",
        bulk.BulkActionCancelView.as_view(),
        name="clients-bulk-cancel",
    ),
    path("saved-searches/", saved_searches.SavedSearchListView.as_view(), name="saved-searches"),
    path(
        "saved-searches/<int:pk>/",
        saved_searches.SavedSearchDetailView.as_view(),
        name="saved-searches-detail",
    ),
    path("clients/", views.ClienteListCreateView.as_view(), name="clients-list"),
    path("clients/<int:id_cliente>/", views.ClienteDetailView.as_view(), name="clients-detail"),
    path(
        "clients/<int:id_cliente>/deactivate/",
        views.ClienteDeactivateView.as_view(),
        name="clients-deactivate",
    ),
    path(
        "clients/<int:id_cliente>/reactivate/",
        views.ClienteReactivateView.as_view(),
        name="clients-reactivate",
    ),
]
