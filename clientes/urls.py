from django.urls import path

from clientes import views
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
    path("cache/alerta/reconhecer/", cache_alert_acknowledge, name="cache_alert_ack"),
]
