"""API routes of clientes under /api/v1/."""

from django.urls import path

from clientes.api import views

urlpatterns = [
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
