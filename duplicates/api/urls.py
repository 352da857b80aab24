"""API routes of probable duplicates under /api/v1/."""

from django.urls import path

from duplicates.api import views

urlpatterns = [
    path("clients/duplicates/", views.DuplicatesListView.as_view(), name="clients-duplicates"),
    path("clients/<int:id_cliente>/merge/", views.ClienteMergeView.as_view(), name="clients-merge"),
]
