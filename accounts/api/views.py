"""The JWT endpoints under /api/v1/auth/: obtain, refresh (rotating) and verify.

These are the only API views open to anonymous callers: they are how a caller
authenticates. Bad input always gets a 400 with a pt-BR message.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from drf_standardized_errors.openapi_serializers import ErrorResponse429Serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError

from accounts import signals
from accounts.api.serializers import (
    TokenObtainSerializer,
    TokenRefreshSerializer,
    TokenVerifySerializer,
)
from accounts.api.tokens import tokens_for
from accounts.emails import normalized_email
from accounts.lockout import lockout_response
from accounts.mfa.api.token import second_factor_refusal
from accounts.roles import user_role
from audit.choices import Action
from audit.services import audit_record

_BAD_BODY = _(
    "Corpo da requisição inválido: envie um objeto JSON (Content-Type: application/json)."
)


_PAIR = inline_serializer(
    "TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()}
)
_ERROR = inline_serializer(
    "AuthError", {"detail": serializers.CharField(), "code": serializers.CharField()}
)
# Too many requests: the account is locked out (axes, with when it ends) or
# the caller's IP passed the API rate (the API's single error format).
_TOO_MANY = PolymorphicProxySerializer(
    component_name="TokenTooManyRequests",
    serializers=[
        inline_serializer(
            "LockoutError",
            {
                "detail": serializers.CharField(),
                "code": serializers.ChoiceField(choices=["locked_out"]),
                "retry_at": serializers.DateTimeField(),
            },
        ),
        ErrorResponse429Serializer,
    ],
    resource_type_field_name=None,
)


def _unauthorized(detail, code):
    return Response(
        {"detail": detail, "code": code},
        status=status.HTTP_401_UNAUTHORIZED,
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


class _PublicAuthView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def handle_exception(self, exc):
        # DRF answers a bad body with an English 400 and a wrong content type
        # with 415; callers get one clear pt-BR 400 for both, in the API's
        # single error format (parse_error).
        if isinstance(exc, ParseError | UnsupportedMediaType):
            exc = ParseError(_BAD_BODY)
        return super().handle_exception(exc)


class TokenObtainView(_PublicAuthView):
    """Exchange email and password (and ``otp``, for a user with 2FA) for a token pair.

    Counts toward the same lockout as the web login (same account, same IP).
    """

    @extend_schema(
        request=TokenObtainSerializer,
        responses={
            200: _PAIR,
            401: _ERROR,
            403: _ERROR,
            429: _TOO_MANY,
        },
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email = serializer.validated_data["email"]
        http_request = request._request  # axes flags the Django request, not DRF's wrapper
        user = authenticate(
            http_request, username=email, password=serializer.validated_data["password"]
        )
        if getattr(http_request, "axes_locked_out", False):
            return lockout_response(http_request, credentials={"username": email})
        if user is None:
            return _unauthorized(_("E-mail ou senha incorretos."), "invalid_credentials")
        if user.must_change_password:
            return Response(
                {
                    "detail": _(
                        "Sua senha é temporária: entre no sistema e escolha uma nova "
                        "senha antes de usar a API."
                    ),
                    "code": "password_change_required",
                },
                status=status.HTTP_403_FORBIDDEN,
            )
        refusal = second_factor_refusal(
            http_request, user=user, email=email, otp=serializer.validated_data.get("otp")
        )
        if refusal is not None:
            return refusal
        # A successful login clears this pair's failures, as on the web.
        AxesProxyHandler.reset_attempts(
            username=normalized_email(email), ip_address=http_request.axes_ip_address
        )
        refresh = tokens_for(user)
        update_last_login(None, user)
        audit_record(action=Action.TOKEN_OBTAIN, actor=user, request=http_request, target=user)
        signals.token_obtained.send(type(user), user=user, request=http_request)
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


class TokenRefreshView(_PublicAuthView):
    """Rotate a refresh token: returns a new access and refresh token; the old one dies."""

    @extend_schema(
        request=TokenRefreshSerializer,
        responses={200: _PAIR, 401: _ERROR, 429: _TOO_MANY},
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenRefreshSerializer(data=request.data)
        try:
            with transaction.atomic():
                serializer.is_valid(raise_exception=True)
        except TokenError:
            return _unauthorized(_("Token inválido, expirado ou revogado."), "token_not_valid")
        audit_record(
            action=Action.TOKEN_REFRESH,
            actor=serializer.user,
            request=request._request,
            target=serializer.user,
        )
        signals.token_refreshed.send(
            type(serializer.user), user=serializer.user, request=request._request
        )
        return Response(serializer.validated_data)


class TokenVerifyView(_PublicAuthView):
    """Answer 200 if a token is valid now, 401 otherwise."""

    @extend_schema(
        request=TokenVerifySerializer,
        responses={200: OpenApiResponse(description="Token válido"), 401: _ERROR, 429: _TOO_MANY},
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenVerifySerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except TokenError:
            return _unauthorized(_("Token inválido, expirado ou revogado."), "token_not_valid")
        return Response({})


class MeView(APIView):
    """Who the token (or session) belongs to: email, name and role."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.IntegerField(),
                "email": serializers.EmailField(),
                "nome": serializers.CharField(),
                "papel": serializers.CharField(allow_null=True),
            },
        ),
        tags=["auth"],
    )
    def get(self, request):
        user = request.user
        return Response(
            {"id": user.pk, "email": user.email, "nome": user.nome, "papel": user_role(user)}
        )
