"""The API's single error format: the exception handler and the JSON 404 under /api/."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from drf_standardized_errors.handler import ExceptionHandler as StandardizedExceptionHandler
from rest_framework import exceptions, status

from clientes.selectors import ClienteBloqueado


class UnavailableForLegalReasons(exceptions.APIException):
    """451: the record exists but is blocked (LGPD) for this caller."""

    status_code = status.HTTP_451_UNAVAILABLE_FOR_LEGAL_REASONS
    default_code = "cliente_bloqueado"


def page_not_found(request, exception):
    """handler404: JSON in the standardized format under /api/, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        body = {
            "type": "client_error",
            "errors": [{"code": "not_found", "detail": _("Não encontrado."), "attr": None}],
        }
        return JsonResponse(body, status=404)
    return defaults.page_not_found(request, exception)


class ExceptionHandler(StandardizedExceptionHandler):
    """drf-standardized-errors with one pt-BR message per error.

    simplejwt reports a bad token as one error whose detail is a dict
    (detail, code, messages), which would come out as three English "errors";
    callers get one 401 ``authentication_failed`` instead (the code the schema
    documents). Unexpected failures say so in Portuguese.
    """

    def convert_known_exceptions(self, exc):
        if isinstance(exc, ClienteBloqueado):
            return UnavailableForLegalReasons(str(exc))
        exc = super().convert_known_exceptions(exc)
        if isinstance(exc, exceptions.AuthenticationFailed) and isinstance(exc.detail, dict):
            converted = exceptions.AuthenticationFailed(
                _("Token de acesso inválido ou expirado."), code="authentication_failed"
            )
            converted.status_code = exc.status_code  # 403 when no WWW-Authenticate applies
            converted.auth_header = getattr(exc, "auth_header", None)
            return converted
        return exc

    def convert_unhandled_exceptions(self, exc):
        if not isinstance(exc, exceptions.APIException):
            return exceptions.APIException(detail=_("Erro interno do servidor."))
        return exc

    def report_exception(self, exc, response):
        # A deliberate 5xx answer (507: the export files' disk is full) is the
        # system working as designed, not a failure to report.
        if getattr(exc, "expected", False):
            return
        super().report_exception(exc, response)
