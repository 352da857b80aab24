"""Bearer-token authentication that honours revocation."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.api.tokens import is_current


class RevocableJWTAuthentication(JWTAuthentication):
    """simplejwt's authentication, refusing tokens issued before the user's tokens were revoked.

    Access tokens are not stored anywhere, so a blacklist cannot stop them;
    the version claim can (see ``accounts.services.user_revoke_tokens``).
    simplejwt already refuses inactive users.
    """

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        if not is_current(validated_token, user):
            raise AuthenticationFailed(
                _("Este token foi revogado. Obtenha um novo token."), code="token_revoked"
            )
        return user


class RevocableJWTScheme(SimpleJWTScheme):
    """Describe RevocableJWTAuthentication in the OpenAPI schema (a Bearer JWT)."""

    target_class = RevocableJWTAuthentication
    name = "jwtAuth"
