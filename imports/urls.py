from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.import_upload, name="upload"),
    path("historico/", views.import_history, name="history"),
    path("<uuid:pk>/", views.import_detail, name="detail"),
    path("<uuid:pk>/mapeamento/", views.import_mapping, name="mapping"),
    path("<uuid:pk>/aplicar/", views.import_apply, name="apply"),
    path("<uuid:pk>/cancelar/", views.import_cancel, name="cancel"),
    path("<uuid:pk>/desfazer/", views.import_undo, name="undo"),
    path("<uuid:pk>/erros.csv", views.import_errors, name="errors"),
]
