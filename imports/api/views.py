"""Import API: POST a spreadsheet (dry run or apply), follow it, its errors, cancel, undo.

Rules in ``imports.services``; these views only translate HTTP. Every job is
visible to its owner (and administrators); anyone else gets 404, so job ids
reveal nothing.
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import PermissionDenied as APIPermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clientes.api.errors import ClientErrorResponseSerializer, service_validation_error
from idempotency.api import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent
from imports import reader, services
from imports.columns import FIELDS
from imports.error_report import error_filename, error_lines
from imports.models import ImportJob, ImportStatus, OnConflict
from imports.undo import import_undo
from imports.uploads import UploadTooLarge, guard_upload, upload_was_cut

# Codes of a file refused as a whole (what no JSON Schema can state about a file).
FILE_CODES = [
    "arquivo_invalido", "arquivo_grande", "arquivo_vazio", "formato_nao_suportado",
    "codificacao_invalida", "linha_grande", "celula_grande", "colunas_demais",
    "linhas_demais", "sem_cabecalho", "cabecalho_invalido", "csv_malformado",
    "xlsx_invalido", "xlsx_grande", "required", "invalid",
]  # fmt: skip
MAPPING_CODE = "mapeamento_invalido"


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "arquivo_grande"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class MayImport(BasePermission):
    message = _("Você não tem permissão para importar clientes.")

    def has_permission(self, request, view):
        return services.may_import(request.user)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,  # refused by the reader, with its own code (arquivo_vazio)
        help_text=_("A planilha: CSV (; ou ,; UTF-8 ou Windows-1252) ou XLSX, com cabeçalho."),
    )
    dry_run = serializers.BooleanField(
        required=False,
        default=True,
        help_text=_("true (padrão): só simula e diz o que cada linha faria; nada é gravado."),
    )
    on_conflict = serializers.ChoiceField(
        choices=OnConflict.values,
        required=False,
        default=OnConflict.SKIP,
        help_text=_(
            "CPF já cadastrado: skip mantém o cadastro, update substitui os campos que o "
            "arquivo traz, fill_blanks só preenche os campos vazios."
        ),
    )
    mapping = serializers.CharField(
        required=False,
        max_length=20_000,
        help_text=_(
            'Opcional: objeto JSON {"título da coluna": "campo"} ("" ignora a coluna); '
            "as colunas fora dele são reconhecidas pelo título. Campos: "
        )
        + ", ".join(FIELDS),
    )

    def validate_mapping(self, value):
        try:
            mapping = json.loads(value)
        except ValueError as exc:
            raise serializers.ValidationError(
                _("O mapeamento deve ser um objeto JSON."), code=MAPPING_CODE
            ) from exc
        if not isinstance(mapping, dict):
            raise serializers.ValidationError(
                _("O mapeamento deve ser um objeto JSON."), code=MAPPING_CODE
            )
        return mapping


class CountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invalid = serializers.IntegerField()


class RowErrorSerializer(serializers.Serializer):
    linha = serializers.IntegerField(help_text=_("Linha da planilha (o cabeçalho é a linha 1)."))
    motivos = serializers.ListField(child=serializers.CharField())


class ImportJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ImportStatus.values)
    status_display = serializers.CharField()
    dry_run = serializers.BooleanField()
    on_conflict = serializers.ChoiceField(choices=OnConflict.values)
    file_name = serializers.CharField()
    file_kind = serializers.CharField()
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True))
    total = serializers.IntegerField(help_text=_("Linhas de clientes do arquivo."))
    processed = serializers.IntegerField()
    progress = serializers.IntegerField(help_text=_("Percentual processado."))
    counts = CountsSerializer()
    first_errors = RowErrorSerializer(many=True)
    error = serializers.CharField()
    cancel_requested = serializers.BooleanField()
    undo_refused_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=_("Clientes alterados depois da importação: o desfazer não os tocou."),
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    undone_at = serializers.DateTimeField(allow_null=True)
    url = serializers.URLField()
    errors_url = serializers.URLField()


def upload_fingerprint(request) -> str:
    """Return a digest of the upload: path, form fields and the file's bytes."""
    digest = hashlib.sha256()
    for part in (request.method, request.path, request.META.get("QUERY_STRING", "")):
        digest.update(part.encode() + b"\0")
    for name in ("dry_run", "on_conflict", "mapping"):
        digest.update(f"{name}={request.data.get(name, '')}".encode() + b"\0")
    upload = request.FILES.get("file")
    if upload is not None:
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def job_data(request, job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": job.get_status_display(),
        "dry_run": job.dry_run,
        "on_conflict": job.on_conflict,
        "file_name": job.file_name,
        "file_kind": job.file_kind,
        "mapping": job.mapping,
        "total": job.total,
        "processed": job.processed,
        "progress": job.progress,
        "counts": {
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "invalid": job.invalid,
        },
        "first_errors": services.first_errors(job),
        "error": job.error,
        "cancel_requested": job.cancel_requested,
        "undo_refused_ids": job.undo_refused_ids,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "undone_at": job.undone_at,
        "url": request.build_absolute_uri(reverse("clients-imports-detail", args=[job.pk])),
        "errors_url": request.build_absolute_uri(reverse("clients-imports-errors", args=[job.pk])),
    }


def _job(request, pk) -> ImportJob:
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or not services.may_see(request.user, job):
        raise NotFound(_("Importação não encontrada."))
    return job


NOT_FOUND = OpenApiResponse(ClientErrorResponseSerializer, _("Importação não encontrada."))


@extend_validation_errors(FILE_CODES, field_name="file", methods=["post"])
@extend_validation_errors([MAPPING_CODE, "max_length"], field_name="mapping", methods=["post"])
@extend_validation_errors(["invalid"], field_name="on_conflict", methods=["post"])
@extend_validation_errors(["invalid"], field_name="Idempotency-Key", methods=["post"])
class ImportCreateView(APIView):
    """POST /api/v1/clients/imports/: import (or simulate importing) a spreadsheet."""

    permission_classes = [IsAuthenticated, MayImport]
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Before authentication: the session's CSRF check would read the body.
        try:
            guard_upload(request._request)
        except UploadTooLarge as exc:
            raise PayloadTooLarge(reader.too_big_message()) from exc
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="clients_imports_create",
        summary="Importar clientes de uma planilha",
        description=_(
            "Envia uma planilha (multipart, campo file) e a importa, chaveando pelo CPF. "
            "dry_run=true (padrão) só diz o que cada linha faria. Responde 202 com a "
            "importação: concluída quando o arquivo tem até 2.000 linhas, em andamento "
            "(acompanhe em url) acima disso. Linhas inválidas nunca impedem as válidas; "
            "cada linha é gravada inteira ou não é gravada. 413 para um arquivo acima do "
            "limite (IMPORTS_MAX_FILE_MB)."
        ),
        parameters=IDEMPOTENCY_PARAMETERS,
        request=ImportRequestSerializer,
        responses={
            202: ImportJobSerializer,
            413: OpenApiResponse(ClientErrorResponseSerializer, _("Arquivo grande demais.")),
            **IDEMPOTENCY_RESPONSES,
        },
    )
    @idempotent(fingerprint=upload_fingerprint)
    def post(self, request):
        serializer = ImportRequestSerializer(data=request.data)
        valid = serializer.is_valid()
        if upload_was_cut(request._request):
            raise PayloadTooLarge(reader.too_big_message())
        if not valid:
            raise serializers.ValidationError(serializer.errors)
        data = serializer.validated_data
        try:
            job = services.import_request(
                user=request.user,
                upload=data["file"],
                dry_run=data["dry_run"],
                on_conflict=data["on_conflict"],
                mapping=data.get("mapping"),
            )
        except DjangoPermissionDenied as exc:
            raise APIPermissionDenied() from exc
        except DjangoValidationError as exc:
            raise service_validation_error(exc, "file") from exc
        body = job_data(request, job)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class ImportDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="clients_imports_retrieve",
        responses={200: ImportJobSerializer, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        return Response(job_data(request, _job(request, pk)))


class ImportErrorsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="clients_imports_errors",
        description=_(
            "As linhas inválidas em CSV (; e UTF-8 com BOM): número da linha e motivo. "
            "Valores que pareçam fórmulas vêm neutralizados com um apóstrofo."
        ),
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, _("O relatório de erros.")),
            404: NOT_FOUND,
        },
    )
    def get(self, request, pk):
        job = _job(request, pk)
        response = StreamingHttpResponse(error_lines(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{error_filename(job)}"'
        response["Cache-Control"] = "private, no-store"
        return response


class ImportCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="clients_imports_cancel",
        description=_(
            "Para a importação depois do lote em andamento: cada linha fica aplicada "
            "inteira ou não aplicada."
        ),
        request=None,
        responses={
            200: ImportJobSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(ClientErrorResponseSerializer, _("A importação já terminou.")),
        },
    )
    def post(self, request, pk):
        job = _job(request, pk)
        try:
            job = services.import_cancel(user=request.user, job=job)
        except DjangoPermissionDenied as exc:
            raise APIPermissionDenied() from exc
        except DjangoValidationError as exc:
            raise Conflict(" ".join(exc.messages), code="import_finished") from exc
        return Response(job_data(request, job))


class ImportUndoView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="clients_imports_undo",
        description=_(
            "Desfaz uma importação aplicada: exclui os clientes que ela cadastrou e "
            "restaura os que ela atualizou. Clientes alterados depois da importação não "
            "são tocados e vêm em undo_refused_ids."
        ),
        request=None,
        responses={
            200: ImportJobSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                ClientErrorResponseSerializer,
                _("Simulação, importação em andamento ou já desfeita."),
            ),
        },
    )
    def post(self, request, pk):
        job = _job(request, pk)
        try:
            job = import_undo(user=request.user, job=job)
        except DjangoPermissionDenied as exc:
            raise APIPermissionDenied() from exc
        except DjangoValidationError as exc:
            code = exc.error_list[0].code or "conflict"
            raise Conflict(" ".join(exc.messages), code=code) from exc
        return Response(job_data(request, job))
