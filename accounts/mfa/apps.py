from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MfaConfig(AppConfig):
    """Two-factor authentication: TOTP and recovery codes (django-otp), enforced per role."""

    name = "accounts.mfa"
    label = "mfa"
    verbose_name = _("Autenticação em dois fatores")
