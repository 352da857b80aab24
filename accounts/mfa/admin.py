"""The Django admin does not manage second factors.

django-otp's device admin would show every user's TOTP secret (as text and
QR code) and delete devices without the audited reset of
``accounts.mfa.services.mfa_reset``: users enrol in Configurações → Segurança,
administradores reset from the user page.
"""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
