"""API routes of accounts (JWT endpoints under /api/v1/auth/)."""

from django.urls import path

from accounts.api import views

app_name = "auth-api"

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="token"),
    path("auth/token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("auth/token/verify/", views.TokenVerifyView.as_view(), name="token-verify"),
    path("auth/me/", views.MeView.as_view(), name="me"),
]
