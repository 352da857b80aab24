from django.urls import path

from lgpd import views

app_name = "lgpd"

urlpatterns = [
    path("", views.SolicitacaoListView.as_view(), name="index"),
    path("solicitacoes/nova/", views.SolicitacaoCreateView.as_view(), name="request_create"),
    path("solicitacoes/<int:pk>/", views.SolicitacaoDetailView.as_view(), name="request_detail"),
    path("clientes/<int:id_cliente>/", views.ClienteLgpdView.as_view(), name="cliente"),
    path("configuracoes/", views.ConfiguracaoView.as_view(), name="settings"),
    path("retencao/", views.RetencaoView.as_view(), name="retention"),
]
