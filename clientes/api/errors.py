"""API errors of the client endpoints beyond DRF's own (version preconditions).

They render in the project's single error format (drf-standardized-errors):
``{"type": "client_error", "errors": [{"code", "detail", "attr"}]}``.
"""

from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ErrorDetail
from rest_framework.settings import api_settings


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _(
        "Envie o cabeçalho If-Match com o ETag do cliente (obtido no GET) para alterá-lo."
    )
    default_code = "if_match_obrigatorio"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("O cliente foi alterado desde a sua leitura. Obtenha a versão atual.")
    default_code = "cliente_alterado"


def validation_error(exc) -> serializers.ValidationError:
    """Turn a service's Django ValidationError into DRF's, keeping codes and keys."""
    detail = {}
    for key, errors in exc.error_dict.items():
        attr = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key
        detail[attr] = [
            ErrorDetail(message, code=error.code or "invalid")
            for error in errors
            for message in error.messages
        ]
    return serializers.ValidationError(detail)


def service_validation_error(
    exc, attr: str = api_settings.NON_FIELD_ERRORS_KEY, nested: tuple[str, Iterable[str]] = ("", ())
):
    """Turn any service ValidationError into DRF's.

    Keyed errors keep their keys, those named in ``nested`` (``("filters",
    names)``) under that object (``filters.uf``); a bare one (about the whole
    request) is reported under ``attr``.
    """
    if hasattr(exc, "error_dict"):
        parent, names = nested[0], set(nested[1])
        return validation_error(
            DjangoValidationError(
                {f"{parent}.{k}" if k in names else k: v for k, v in exc.error_dict.items()}
            )
        )
    return serializers.ValidationError(
        {attr: [ErrorDetail(message, code=exc.code or "invalid") for message in exc.messages]}
    )


class _ClientErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ClientErrorResponseSerializer(serializers.Serializer):
    """Schema of a 412/428 answer (same format as every other 4xx)."""

    type = serializers.ChoiceField(choices=ClientErrorEnum.choices)
    errors = _ClientErrorSerializer(many=True)
