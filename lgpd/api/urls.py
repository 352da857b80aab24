"""API routes of the LGPD workbench under /api/v1/."""

from django.urls import path

from lgpd.api import views

urlpatterns = [
    path("lgpd/requests/", views.SolicitacaoListCreateView.as_view(), name="lgpd-requests"),
    path(
        "lgpd/requests/<int:id_solicitacao>/",
        views.SolicitacaoDetailView.as_view(),
        name="lgpd-request-detail",
    ),
    path(
        "clients/<int:id_cliente>/data-report/",
        views.DataReportView.as_view(),
        name="clients-data-report",
    ),
    path("clients/<int:id_cliente>/block/", views.BlockView.as_view(), name="clients-block"),
    path("clients/<int:id_cliente>/unblock/", views.UnblockView.as_view(), name="clients-unblock"),
    path(
        "clients/<int:id_cliente>/anonymize/",
        views.AnonymizeView.as_view(),
        name="clients-anonymize",
    ),
    path(
        "clients/<int:id_cliente>/consents/", views.ConsentsView.as_view(), name="clients-consents"
    ),
    path(
        "clients/<int:id_cliente>/legal-holds/",
        views.LegalHoldsView.as_view(),
        name="clients-legal-holds",
    ),
    path(
        "clients/<int:id_cliente>/legal-holds/<int:id_retencao>/release/",
        views.LegalHoldReleaseView.as_view(),
        name="clients-legal-hold-release",
    ),
]
