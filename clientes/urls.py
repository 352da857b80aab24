from django.urls import path, re_path

from clientes import views, views_bulk, views_cep, views_saved
from clientes.cache.views import cache_alert_acknowledge
from clientes.views_search import ClienteSearchView

app_name = "clientes"

urlpatterns = [
    path("", ClienteSearchView.as_view(), name="search"),
    path("novo/", views.ClienteCreateView.as_view(), name="create"),
    path("<int:id_cliente>/", views.ClienteDetailView.as_view(), name="detail"),
    path("<int:id_cliente>/editar/", views.ClienteUpdateView.as_view(), name="update"),
    path("<int:id_cliente>/inativar/", views.ClienteDeactivateView.as_view(), name="deactivate"),
    path("<int:id_cliente>/reativar/", views.ClienteReactivateView.as_view(), name="reactivate"),
    path("<int:id_cliente>/excluir/", views.ClienteDeleteView.as_view(), name="delete"),
    path("pesquisas/", views_saved.saved_list, name="saved_list"),
    path("pesquisas/salvar/", views_saved.saved_create, name="saved_create"),
    path("pesquisas/<int:pk>/editar/", views_saved.saved_update, name="saved_update"),
    path("pesquisas/<int:pk>/excluir/", views_saved.saved_delete, name="saved_delete"),
    path("pesquisas/<int:pk>/fixar/", views_saved.saved_pin, name="saved_pin"),
    path("acoes/", views_bulk.bulk_prepare, name="bulk_prepare"),
    path("acoes/<uuid:pk>/", views_bulk.bulk_detail, name="bulk_detail"),
    path("acoes/<uuid:pk>/confirmar/", views_bulk.bulk_confirm, name="bulk_confirm"),
    path("acoes/<uuid:pk>/cancelar/", views_bulk.bulk_cancel, name="bulk_cancel"),
    re_path(r"^cep/(?P<cep>[0-9]{8})/$", views_cep.cep_lookup, name="cep_lookup"),
    path("cache/alerta/reconhecer/", cache_alert_acknowledge, name="cache_alert_ack"),
]
