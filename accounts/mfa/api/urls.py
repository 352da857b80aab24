"""API routes of two-factor authentication (under /api/v1/auth/mfa/)."""

from django.urls import path

from accounts.mfa.api import views

app_name = "mfa-api"

urlpatterns = [
    path("auth/mfa/", views.MfaView.as_view(), name="mfa"),
    path("auth/mfa/totp/", views.TotpStartView.as_view(), name="totp"),
    path("auth/mfa/totp/confirm/", views.TotpConfirmView.as_view(), name="totp-confirm"),
]
