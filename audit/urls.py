from django.urls import path  # noqa: F401 - routes are added as features land

app_name = "audit"

urlpatterns = []
