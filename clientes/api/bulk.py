"""POST /api/v1/clients/bulk/: deactivate or reactivate every client of a search.

The request counts the clients the action changes (a snapshot of their ids
and versions) and applies it at once: 200 with the counts when it is small,
202 with a job to follow (``GET /api/v1/clients/bulk/{id}/``) and cancel
(``POST .../cancel/``) otherwise. Rules in ``clientes.bulk``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clientes import bulk
from clientes.api.filter_fields import (
    SearchFiltersSerializer,
    typed,
)
from clientes.api.params import SAVED_CODES
from clientes.api.saved_searches import api_error, declare_service_errors
from clientes.api.search import CanViewClientes
from clientes.models import BulkAction, BulkActionType, BulkStatus
from clientes.saved_searches import SAVED_PARAM


class MayRunBulk(BasePermission):
    message = _("Você não tem permissão para agir sobre todos os clientes de uma pesquisa.")

    def has_permission(self, request, view):
        return bulk.may_run_bulk(request.user)


class BulkRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=BulkActionType.values)
    filters = SearchFiltersSerializer(
        required=False, help_text=_("Os parâmetros da pesquisa de clientes.")
    )
    saved = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Uma pesquisa salva (os filtros a restringem).")
    )
    motivo = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=bulk.MOTIVO_MAX,
        help_text=_("Obrigatório ao inativar."),
    )

    def validate(self, attrs):
        if not attrs.get("filters") and "saved" not in attrs:
            raise serializers.ValidationError(
                _("Informe os filtros da pesquisa ou uma pesquisa salva (saved)."),
                code="filtros_ou_pesquisa_salva",
            )
        return attrs


class BulkJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    action = serializers.ChoiceField(choices=BulkActionType.values)
    status = serializers.ChoiceField(choices=BulkStatus.values)
    status_display = serializers.CharField()
    motivo = serializers.CharField()
    filters = SearchFiltersSerializer()
    total = serializers.IntegerField(help_text=_("Clientes contados na confirmação."))
    processed = serializers.IntegerField()
    progress = serializers.IntegerField(help_text=_("Percentual processado."))
    changed = serializers.IntegerField(help_text=_("Clientes alterados."))
    skipped = serializers.IntegerField(help_text=_("Alterados por outra pessoa: ignorados."))
    skipped_ids = serializers.ListField(child=serializers.IntegerField())
    cancel_requested = serializers.BooleanField()
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.URLField()


def _data(request, job: BulkAction) -> dict:
    return {
        "id": job.pk,
        "action": job.action,
        "status": job.status,
        "status_display": job.get_status_display(),
        "motivo": job.motivo,
        "filters": typed(job.filters),
        "total": job.total,
        "processed": job.processed,
        "progress": job.progress,
        "changed": len(job.changed_ids),
        "skipped": len(job.skipped_ids),
        "skipped_ids": job.skipped_ids,
        "cancel_requested": job.cancel_requested,
        "error": job.error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "url": request.build_absolute_uri(reverse("clients-bulk-detail", args=[job.pk])),
    }


def _job(request, pk) -> BulkAction:
    job = BulkAction.objects.filter(pk=pk).first()
    if job is None or not bulk.may_see(request.user, job):
        raise NotFound(_("Ação em lote não encontrada."))
    return job


def _service_errors(view):
    codes = {
        "filters": ["invalid", "null"],
        "non_field_errors": [
            "invalid",
            "bulk_limit",
            "bulk_empty",
            "sem_criterios",
            "bulk_not_draft",
            "filtros_ou_pesquisa_salva",
        ],
        "saved": SAVED_CODES,
        "motivo": ["motivo_obrigatorio"],
    }
    return declare_service_errors(view, ("action", "motivo", "saved"), ["post"], codes)


@_service_errors
class BulkActionCreateView(APIView):
    permission_classes = [IsAuthenticated, MayRunBulk]

    @extend_schema(
        operation_id="clients_bulk_create",
        summary="Inativar ou reativar todos os clientes de uma pesquisa",
        description=_(
            "Conta os clientes que a ação altera (um retrato dos ids e versões) e a aplica: "
            "200 com as contagens até o limite imediato (Configurações), 202 com a ação em "
            "andamento acima dele. Clientes alterados por outra pessoa depois da contagem "
            "são ignorados e listados em skipped_ids."
        ),
        request=BulkRequestSerializer,
        responses={200: BulkJobSerializer, 202: BulkJobSerializer},
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [_("O corpo deve ser um objeto JSON.")]}
            )
        serializer = BulkRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        params = dict(data.get("filters") or {})
        if "saved" in data:
            params[SAVED_PARAM] = str(data["saved"])
        try:
            job = bulk.bulk_prepare(
                user=request.user,
                action=data["action"],
                params=params,
                motivo=data.get("motivo", ""),
            )
            job = bulk.bulk_confirm(user=request.user, job=job)
        except DjangoValidationError as error:
            raise api_error(error) from error
        body = _data(request, job)
        if job.is_finished:
            return Response(body)
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})


class BulkActionDetailView(APIView):
    permission_classes = [IsAuthenticated, CanViewClientes]

    @extend_schema(operation_id="clients_bulk_retrieve", responses={200: BulkJobSerializer})
    def get(self, request, pk):
        return Response(_data(request, _job(request, pk)))


@extend_validation_errors(["bulk_finished"], field_name="non_field_errors", methods=["post"])
class BulkActionCancelView(APIView):
    permission_classes = [IsAuthenticated, CanViewClientes]

    @extend_schema(
        operation_id="clients_bulk_cancel",
        description=_(
            "Para a ação depois do lote em andamento: cada cliente fica alterado ou não, "
            "e changed diz quantos foram."
        ),
        request=None,
        responses={200: BulkJobSerializer},
    )
    def post(self, request, pk):
        job = _job(request, pk)
        try:
            job = bulk.bulk_cancel(user=request.user, job=job)
        except DjangoValidationError as error:
            raise api_error(error) from error
        return Response(_data(request, job))
