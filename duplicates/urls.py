"""Pages of probable duplicates, under /clientes/duplicados/."""

from django.urls import path

from duplicates import views

app_name = "duplicates"

urlpatterns = [
    path("", views.pair_list_view, name="list"),
    path("atualizar/", views.refresh_view, name="refresh"),
    path("<int:pk>/", views.compare_view, name="compare"),
    path("<int:pk>/unificar/", views.merge_view, name="merge"),
    path("<int:pk>/dispensar/", views.dismiss_view, name="dismiss"),
]
