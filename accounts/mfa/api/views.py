"""2FA endpoints: start and confirm an authenticator app, turn 2FA off."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi import AutoSchema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.authentication import RevocableJWTAuthentication
from accounts.api.tokens import tokens_for
from accounts.mfa import devices, services
from accounts.mfa.api.serializers import (
    CodeSerializer,
    TotpConfirmSerializer,
    TotpStartSerializer,
)


def _code_error(exc: ValidationError):
    """The service's refusal as a 400 on ``code``, keeping its error code."""
    details = [
        ErrorDetail(message, code=error.code or "invalid_code")
        for error, message in zip(exc.error_list, exc.messages, strict=True)
    ]
    return serializers.ValidationError({"code": details})


class TotpStartView(APIView):
    """Start enrolling an authenticator app: a new secret, pending until confirmed."""

    @extend_schema(request=None, responses={201: TotpStartSerializer}, tags=["auth"])
    def post(self, request):
        device = services.mfa_totp_start(user=request.user)
        body = {"secret": devices.secret_base32(device), "otpauth_url": device.config_url}
        return Response(body, status=status.HTTP_201_CREATED)


@extend_validation_errors(["invalid_code", "no_mfa"], field_name="code", methods=["post"])
class TotpConfirmView(APIView):
    """Confirm the app with its current code; returns 10 recovery codes, shown only now.

    Every other session and token of the user is revoked; a caller using a
    token gets a new pair in the answer.
    """

    @extend_schema(
        request=CodeSerializer,
        responses={200: TotpConfirmSerializer, 400: OpenApiResponse(description="Código inválido")},
        tags=["auth"],
    )
    def post(self, request):
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = getattr(request._request, "session", None)
        try:
            codes = services.mfa_totp_confirm(
                user=request.user,
                code=serializer.validated_data["code"],
                keep_session=session.session_key if session is not None else None,
            )
        except ValidationError as exc:
            raise _code_error(exc) from exc
        body = {"recovery_codes": codes}
        if isinstance(request.successful_authenticator, RevocableJWTAuthentication):
            request.user.refresh_from_db(fields=["token_version"])
            refresh = tokens_for(request.user)
            body.update(access=str(refresh.access_token), refresh=str(refresh))
        return Response(body)


class _DeleteWithBodySchema(AutoSchema):
    """Describe a DELETE's JSON body, which drf-spectacular leaves out for DELETE."""

    def _get_request_body(self, direction="request"):
        method, self.method = self.method, "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method


@extend_validation_errors(["invalid_code", "no_mfa"], field_name="code", methods=["delete"])
class MfaView(APIView):
    """Turn the caller's two-factor authentication off (not where the role requires it).

    The current code travels in the JSON body, never in the URL (URLs end up in
    access logs).
    """

    schema = _DeleteWithBodySchema()

    @extend_schema(
        request=CodeSerializer,
        responses={
            204: OpenApiResponse(description="Desativada"),
            400: OpenApiResponse(description="Código inválido"),
            403: OpenApiResponse(description="Obrigatória para o papel"),
        },
        tags=["auth"],
    )
    def delete(self, request):
        serializer = CodeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.mfa_disable(user=request.user, code=serializer.validated_data["code"])
        except ValidationError as exc:
            raise _code_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
