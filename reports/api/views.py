"""Export API: request an export of a search, follow it, download it, cancel it."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.generics import ListAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clientes.api.errors import ClientErrorResponseSerializer, validation_error
from clientes.api.params import NO_WORD_CODES, SAVED_CODES, declare_parameter_errors
from idempotency.api import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from reports import services
from reports.api.serializers import ExportJobSerializer, ExportRequestSerializer
from reports.downloads import CONTENT_TYPES, export_file_response
from reports.limits import RETRY_AFTER_SECONDS, ExportRefused
from reports.models import ExportStatus
from reports.selectors import export_job_get, export_job_list

# Public format names of the API -> ExportFormat values.
API_FORMATS = {"excel": "xlsx", "xlsx": "xlsx", "pdf": "pdf", "csv": "csv"}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Gone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "gone"


class ExportRefusedError(APIException):
    """429 (too many exports in flight) or 507 (export storage full)."""

    expected = True  # a bound doing its job, never reported as a server error

    def __init__(self, exc: ExportRefused):
        self.status_code = exc.status
        if exc.status == status.HTTP_429_TOO_MANY_REQUESTS:
            self.wait = RETRY_AFTER_SECONDS  # the handler sends it as Retry-After
        super().__init__(exc.message, code=exc.code)


class CanViewClients(BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("clientes.view_cliente")


class IgnoreFormatQueryParam(DefaultContentNegotiation):
    """``?format=`` names the export format here, not DRF's response renderer."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def api_validation_error(exc: ValidationError) -> APIValidationError:
    """Turn a Django ValidationError into a 400 with its pt-BR messages and codes."""
    if hasattr(exc, "error_dict"):
        return validation_error(exc)  # keeps each error's code
    return APIValidationError(exc.messages, code=exc.error_list[0].code or "invalid")


FILE_RESPONSES = {
    (200, content_type.split(";")[0]): OpenApiResponse(OpenApiTypes.BINARY, _("O arquivo."))
    for content_type in CONTENT_TYPES.values()
}


@extend_validation_errors(["invalid"], field_name="format", methods=["post"])
@extend_validation_errors(["invalid"], field_name="Idempotency-Key", methods=["post"])
@extend_validation_errors(["export_limit", "invalid"], field_name="non_field_errors")
@extend_validation_errors(["intervalo_invalido"], field_name="idade_max", methods=["post"])
@extend_validation_errors(["intervalo_invalido"], field_name="criado_ate", methods=["post"])
@extend_validation_errors(SAVED_CODES, field_name="saved", methods=["post"])
@declare_parameter_errors(NO_WORD_CODES, methods=("post",))
class ClientExportView(APIView):
    """POST /api/v1/clients/export?format=excel|pdf|csv with the search filters as JSON."""

    permission_classes = [IsAuthenticated, CanViewClients]
    content_negotiation_class = IgnoreFormatQueryParam

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["excel", "pdf", "csv"], required=True),
            *IDEMPOTENCY_PARAMETERS,
        ],
        request=ExportRequestSerializer,
        responses={
            **FILE_RESPONSES,
            (202, "application/json"): ExportJobSerializer,
            **IDEMPOTENCY_RESPONSES,
            507: OpenApiResponse(
                description="O espaço reservado para arquivos exportados está cheio "
                "(code export_storage_full)."
            ),
        },
        description=_(
            "Corpo: os filtros da pesquisa (mesmas chaves e limites da API de clientes, ex. "
            '{"uf": "SP", "idade_min": 30}) e, opcionais, "fields" (lista de colunas) e '
            '"csv_dialect"; "saved" (id) exporta uma pesquisa salva, restringida pelos demais '
            "filtros. Exportações pequenas respondem 200 com o arquivo; as demais 202 com a "
            "exportação em andamento. 429 (code too_many_exports, com Retry-After) quando o "
            "usuário já tem o máximo de exportações na fila ou em geração."
        ),
    )
    @idempotent
    def post(self, request):
        fmt = API_FORMATS.get(request.query_params.get("format", ""))
        if fmt is None:
            raise APIValidationError({"format": [_("Informe format=excel, pdf ou csv.")]})
        if not isinstance(request.data, dict):
            raise APIValidationError(_("O corpo deve ser um objeto JSON de filtros."))
        serializer = ExportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.export_request(
                user=request.user,
                params=serializer.filters(),
                fmt=fmt,
                fields=serializer.validated_data.get("fields"),
                csv_dialect=serializer.validated_data.get("csv_dialect") or "excel",
            )
        except ValidationError as exc:
            raise api_validation_error(exc) from exc
        except ExportRefused as exc:
            raise ExportRefusedError(exc) from exc
        if result.inline:
            job = services.export_generate_inline(job=result.job)
            if job.is_downloadable:
                return export_file_response(user=request.user, job=job)
            raise APIValidationError(job.error or _("A exportação não foi gerada."))
        data = ExportJobSerializer(result.job, context={"request": request}).data
        location = reverse("api-export-detail", args=[result.job.pk])
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})


class ExportListView(ListAPIView):
    """GET /api/v1/exports/: the user's exports, newest first (the last 100)."""

    serializer_class = ExportJobSerializer
    pagination_class = None

    def get_queryset(self):
        return export_job_list(user=self.request.user)[:100]


class ExportDetailView(APIView):
    @extend_schema(responses=ExportJobSerializer)
    def get(self, request, pk):
        job = export_job_get(user=request.user, job_id=pk)
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportDownloadView(APIView):
    @extend_schema(
        responses={
            **FILE_RESPONSES,
            409: OpenApiResponse(ClientErrorResponseSerializer, _("Ainda não está pronto.")),
            410: OpenApiResponse(ClientErrorResponseSerializer, _("O arquivo expirou.")),
        }
    )
    def get(self, request, pk):
        job = export_job_get(user=request.user, job_id=pk)
        if job.status == ExportStatus.DONE and not job.file:
            raise Gone(_("O arquivo desta exportação expirou e foi apagado."), code="expired")
        if not job.is_downloadable:
            raise Conflict(_("O arquivo ainda não está pronto."), code="not_ready")
        return export_file_response(user=request.user, job=job)


class ExportCancelView(APIView):
    @extend_schema(
        request=None,
        responses={
            200: ExportJobSerializer,
            409: OpenApiResponse(ClientErrorResponseSerializer, _("Já terminou.")),
        },
    )
    def post(self, request, pk):
        job = export_job_get(user=request.user, job_id=pk)
        try:
            job = services.export_cancel(user=request.user, job=job)
        except ValidationError as exc:
            raise Conflict(" ".join(exc.messages), code="finished") from exc
        return Response(ExportJobSerializer(job, context={"request": request}).data)
