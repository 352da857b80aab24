"""Input and output of the 2FA endpoints under /api/v1/auth/mfa/."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

_CODE_ERRORS = {
    "required": _("Informe o código."),
    "blank": _("Informe o código."),
    "null": _("Informe o código."),
    "invalid": _("O código deve ser um texto."),
    "max_length": _("Código inválido ou já utilizado."),
}


class CodeSerializer(serializers.Serializer):
    """A current authenticator-app code (or, to disable, a recovery code)."""

    code = serializers.CharField(max_length=32, error_messages=_CODE_ERRORS)


class TotpStartSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text=_("Chave em base32 para digitar no aplicativo."))
    otpauth_url = serializers.CharField(help_text=_("URL otpauth:// (o conteúdo do código QR)."))


class TotpConfirmSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(child=serializers.CharField())
    access = serializers.CharField(
        required=False, help_text=_("Novo token de acesso (só quando autenticado por token).")
    )
    refresh = serializers.CharField(
        required=False, help_text=_("Novo token de renovação (só quando autenticado por token).")
    )
