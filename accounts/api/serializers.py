"""Input of the token endpoints, with pt-BR messages."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from accounts.api.tokens import is_current

_TOKEN_ERRORS = {
    "required": _("Informe o token."),
    "blank": _("Informe o token."),
    "invalid": _("O token deve ser um texto."),
    "max_length": _("Token inválido."),
}


class TokenObtainSerializer(serializers.Serializer):
    """Email, password and second factor, checked for shape only (the view authenticates)."""

    email = serializers.EmailField(
        max_length=254,
        error_messages={
            "required": _("Informe o e-mail."),
            "blank": _("Informe o e-mail."),
            "null": _("Informe o e-mail."),
            "invalid": _("Informe um e-mail válido."),
            "max_length": _("Informe um e-mail válido."),
        },
    )
    password = serializers.CharField(
        max_length=128,
        trim_whitespace=False,
        write_only=True,
        error_messages={
            "required": _("Informe a senha."),
            "blank": _("Informe a senha."),
            "null": _("Informe a senha."),
            "invalid": _("A senha deve ser um texto."),
            "max_length": _("E-mail ou senha incorretos."),
        },
    )
    otp = serializers.CharField(
        required=False,
        max_length=32,
        write_only=True,
        help_text=_("Código do aplicativo autenticador ou de recuperação (usuários com 2FA)."),
        error_messages={
            "blank": _("Informe o código."),
            "null": _("Informe o código."),
            "invalid": _("O código deve ser um texto."),
            "max_length": _("Código inválido ou já utilizado."),
        },
    )


def _user_of(token):
    """Return the active user a token belongs to, if its version is current; else raise."""
    user_id = token.get(api_settings.USER_ID_CLAIM)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not is_current(token, user):
        raise TokenError(_("Este token foi revogado. Obtenha um novo token."))
    return user


class TokenRefreshSerializer(serializers.Serializer):
    """Rotate a refresh token: the old one is blacklisted, a new pair is returned."""

    refresh = serializers.CharField(max_length=4096, error_messages=_TOKEN_ERRORS)

    def validate(self, attrs):
        # Lock the token's row first: two concurrent refreshes of one token must
        # not both succeed (the second one is a replay).
        jti = UntypedToken(attrs["refresh"]).get(api_settings.JTI_CLAIM)
        OutstandingToken.objects.select_for_update(of=("self",)).filter(jti=jti).first()
        refresh = RefreshToken(attrs["refresh"])  # signature, expiry, type, blacklist
        self.user = _user_of(refresh)
        access = str(refresh.access_token)
        refresh.blacklist()
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        return {"access": access, "refresh": str(refresh)}


class TokenVerifySerializer(serializers.Serializer):
    """Check that a token is genuine, unexpired and not revoked."""

    token = serializers.CharField(max_length=4096, error_messages=_TOKEN_ERRORS)

    def validate(self, attrs):
        token = UntypedToken(attrs["token"])
        if token.get(api_settings.TOKEN_TYPE_CLAIM) == "refresh":
            RefreshToken(attrs["token"])  # also refuses a blacklisted refresh token
        _user_of(token)
        return {}
