"""API routes of clientes under /api/v1/."""

from django.urls import path

from clientes.api import views
from clientes.api.search import ClienteSearchAPIView

urlpatterns = [
    path("clients/search", ClienteSearchAPIView.as_view(), name="clients-search"),
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
