"""REST endpoints of the LGPD workbench (Encarregado and Administrador only).

``/api/v1/lgpd/requests/`` for data subjects' requests, and the client-scoped
actions under ``/api/v1/clients/{id}/``: data-report, block, unblock,
anonymize (If-Match required), consents and legal-holds.
"""

import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from clientes.api.errors import validation_error
from clientes.api.views import ETAG_HEADER, IF_MATCH, PRECONDITION_RESPONSES, _conflict, _if_match
from clientes.models import Cliente
from clientes.services import ClienteAlteradoError
from lgpd import anonymization, services
from lgpd.api.serializers import (
    ConsentimentoSerializer,
    ConsentimentosSerializer,
    DataReportSerializer,
    LgpdStatusSerializer,
    MotivoSerializer,
    RetencaoLegalSerializer,
    SolicitacaoSerializer,
    SolicitacaoUpdateSerializer,
)
from lgpd.choices import StatusSolicitacao, TipoSolicitacao
from lgpd.filters import SolicitacaoFilterSet
from lgpd.models import SolicitacaoTitular
from lgpd.report import data_report
from lgpd.report_pdf import render_pdf
from lgpd.selectors import (
    consent_history,
    legal_hold_in_force,
    legal_holds,
    solicitacao_list,
)

LGPD_PERMISSION = "lgpd.atender_titular"


class LgpdPermission(BasePermission):
    """Only who answers data subjects (Encarregado, Administrador)."""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(LGPD_PERMISSION))


class _LgpdView(generics.GenericAPIView):
    permission_classes = [LgpdPermission]

    def cliente(self) -> Cliente:
        return get_object_or_404(Cliente, pk=self.kwargs["id_cliente"])


def _run(action, **kwargs):
    """Call a service, turning its errors into API answers."""
    try:
        return action(**kwargs)
    except ClienteAlteradoError as exc:
        raise _conflict(exc) from exc
    except (Cliente.DoesNotExist, SolicitacaoTitular.DoesNotExist) as exc:
        raise Http404 from exc
    except DjangoValidationError as exc:
        raise validation_error(exc) from exc


def _status(id_cliente: int) -> Response:
    cliente = Cliente.objects.get(pk=id_cliente)
    data = LgpdStatusSerializer(
        {
            "id_cliente": cliente.pk,
            "versao": cliente.versao,
            "bloqueado": cliente.bloqueado,
            "anonimizado_em": cliente.anonimizado_em,
            "consentimentos": cliente.consentimentos,
            "retencao_legal": legal_hold_in_force(id_cliente=cliente.pk),
        }
    ).data
    response = Response(data)
    response["ETag"] = f'"{cliente.versao}"'
    return response


# --- Requests -----------------------------------------------------------------


class SolicitacaoPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param, "1")
        if not raw.isdigit() or len(raw) > 6:
            raise NotFound(_("Página inválida."))
        return raw


def _filter_errors(view):
    for name in SolicitacaoFilterSet.base_filters:
        view = extend_validation_errors(["invalid"], field_name=name, methods=["get"])(view)
    return view


@_filter_errors
@extend_validation_errors(
    ["cpf_invalid", "cpf_length", "invalid"], field_name="cpf", methods=["post"]
)
@extend_validation_errors(["invalid"], field_name="recebida_em", methods=["post"])
@extend_validation_errors(["campo_desconhecido"], field_name="non_field_errors", methods=["post"])
class SolicitacaoListCreateView(_LgpdView, generics.ListCreateAPIView):
    serializer_class = SolicitacaoSerializer
    pagination_class = SolicitacaoPagination
    filterset_class = SolicitacaoFilterSet
    queryset = SolicitacaoTitular.objects.none()

    @extend_schema(
        summary=_("Listar solicitações de titulares (abertas e atrasadas primeiro)"),
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, enum=StatusSolicitacao.values),
            OpenApiParameter("tipo", OpenApiTypes.STR, enum=TipoSolicitacao.values),
            OpenApiParameter("cpf", OpenApiTypes.STR),
            OpenApiParameter("atrasadas", OpenApiTypes.BOOL),
        ],
    )
    def get(self, request, *args, **kwargs):
        try:
            queryset = solicitacao_list(params=request.query_params)
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("Registrar uma solicitação de titular (LGPD art. 18)"))
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        solicitacao = _run(
            services.solicitacao_create, actor=request.user, **serializer.validated_data
        )
        return Response(self.get_serializer(solicitacao).data, status=status.HTTP_201_CREATED)


@extend_validation_errors(["resposta_obrigatoria", "max_length"], field_name="resposta")
@extend_validation_errors(["campo_desconhecido"], field_name="non_field_errors")
class SolicitacaoDetailView(_LgpdView):
    serializer_class = SolicitacaoSerializer
    queryset = SolicitacaoTitular.objects.all()
    lookup_url_kwarg = "id_solicitacao"

    @extend_schema(summary=_("Uma solicitação de titular, com o que foi produzido"))
    def get(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary=_("Atualizar situação e resposta (negar exige resposta fundamentada)"),
        request=SolicitacaoUpdateSerializer,
    )
    def patch(self, request, *args, **kwargs):
        solicitacao = self.get_object()
        serializer = SolicitacaoUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = _run(
            services.solicitacao_update,
            actor=request.user,
            id_solicitacao=solicitacao.pk,
            data=serializer.validated_data,
        )
        return Response(self.get_serializer(updated).data)


# --- Client actions -----------------------------------------------------------


class PDFRenderer(BaseRenderer):
    """``?format=pdf``: the report as a PDF (errors stay JSON)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


class DataReportView(_LgpdView):
    renderer_classes = [JSONRenderer, PDFRenderer]
    serializer_class = DataReportSerializer

    @extend_schema(
        summary=_("Relatório de tudo o que se guarda sobre o titular (JSON ou PDF)"),
        description=_(
            "format=json (padrão): portabilidade, nomes de campos estáveis "
            "(schema gestao-clientes/relatorio-titular/v1). format=pdf: para entregar ao "
            "titular. Gerar o relatório é auditado."
        ),
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "pdf"]),
            OpenApiParameter("solicitacao", OpenApiTypes.INT),
        ],
        responses={
            (200, "application/json"): DataReportSerializer,
            (200, "application/pdf"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, *args, **kwargs):
        cliente = self.cliente()
        formato = "pdf" if request.accepted_renderer.format == "pdf" else "json"
        raw = request.query_params.get("solicitacao")
        if raw is not None and not raw.isdigit():
            raise validation_error(
                DjangoValidationError(
                    {"solicitacao": DjangoValidationError(_("Informe o número da solicitação."))}
                )
            )
        report = _run(
            data_report,
            actor=request.user,
            id_cliente=cliente.pk,
            formato=formato,
            solicitacao_id=int(raw) if raw else None,
        )
        if formato == "json":
            return Response(DataReportSerializer(report).data)
        response = HttpResponse(render_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="relatorio-titular-{cliente.pk}.pdf"'
        )
        return response


_MOTIVO_ERRORS = ["required", "blank", "max_length", "texto_invalido", "invalid", "null"]


@extend_validation_errors(_MOTIVO_ERRORS, field_name="motivo")
@extend_validation_errors(["solicitacao_inexistente", "invalid"], field_name="solicitacao")
class _MotivoActionView(_LgpdView):
    serializer_class = MotivoSerializer

    def validated(self, request) -> dict:
        serializer = MotivoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_validation_errors(
    ["cliente_bloqueado", "cliente_anonimizado", "campo_desconhecido"],
    field_name="non_field_errors",
)
class BlockView(_MotivoActionView):
    @extend_schema(
        summary=_("Bloquear o cliente (some das pesquisas, perfis e exportações)"),
        request=MotivoSerializer,
        responses={200: LgpdStatusSerializer},
    )
    def post(self, request, *args, **kwargs):
        data = self.validated(request)
        cliente = self.cliente()
        _run(
            services.cliente_block,
            actor=request.user,
            id_cliente=cliente.pk,
            motivo=data["motivo"],
            solicitacao_id=data.get("solicitacao"),
        )
        return _status(cliente.pk)


@extend_validation_errors(
    ["cliente_nao_bloqueado", "campo_desconhecido"], field_name="non_field_errors"
)
class UnblockView(_MotivoActionView):
    @extend_schema(
        summary=_("Desbloquear o cliente"),
        request=MotivoSerializer,
        responses={200: LgpdStatusSerializer},
    )
    def post(self, request, *args, **kwargs):
        data = self.validated(request)
        cliente = self.cliente()
        _run(
            services.cliente_unblock,
            actor=request.user,
            id_cliente=cliente.pk,
            motivo=data["motivo"],
        )
        return _status(cliente.pk)


@extend_validation_errors(
    ["cliente_anonimizado", "retencao_legal", "campo_desconhecido"],
    field_name="non_field_errors",
)
class AnonymizeView(_MotivoActionView):
    @extend_schema(
        summary=_("Anonimizar o cliente (irreversível)"),
        description=_(
            "Exige If-Match com o ETag lido no GET do cliente: um cliente alterado desde "
            "então não é anonimizado (412). Recusado sob retenção legal."
        ),
        request=MotivoSerializer,
        parameters=[IF_MATCH, ETAG_HEADER],
        responses={200: LgpdStatusSerializer, **PRECONDITION_RESPONSES},
    )
    def post(self, request, *args, **kwargs):
        cliente = self.cliente()
        versao = _if_match(request, required=True)
        data = self.validated(request)
        _run(
            anonymization.cliente_anonymize,
            actor=request.user,
            id_cliente=cliente.pk,
            versao=versao,
            motivo=data["motivo"],
            solicitacao_id=data.get("solicitacao"),
        )
        return _status(cliente.pk)


@extend_validation_errors(
    ["finalidade_desconhecida", "required", "blank", "max_length"], field_name="finalidade"
)
@extend_validation_errors(["cliente_anonimizado", "campo_desconhecido"], "non_field_errors")
class ConsentsView(_LgpdView):
    serializer_class = ConsentimentoSerializer

    def _current(self, cliente: Cliente) -> Response:
        cliente.refresh_from_db(fields=["consentimentos"])
        data = ConsentimentosSerializer(
            {
                "vigentes": cliente.consentimentos,
                "historico": consent_history(id_cliente=cliente.pk),
            }
        ).data
        return Response(data)

    @extend_schema(
        summary=_("Consentimentos do cliente: vigentes e histórico"),
        responses={200: ConsentimentosSerializer},
    )
    def get(self, request, *args, **kwargs):
        return self._current(self.cliente())

    @extend_schema(
        summary=_("Registrar concessão ou revogação de consentimento"),
        request=ConsentimentoSerializer,
        responses={201: ConsentimentosSerializer},
    )
    def post(self, request, *args, **kwargs):
        cliente = self.cliente()
        serializer = ConsentimentoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _run(
            services.consentimento_register,
            actor=request.user,
            id_cliente=cliente.pk,
            **serializer.validated_data,
        )
        response = self._current(cliente)
        response.status_code = status.HTTP_201_CREATED
        return response


@extend_validation_errors(["data_passada", "required", "invalid", "null"], field_name="ate")
@extend_validation_errors(_MOTIVO_ERRORS, field_name="motivo")
@extend_validation_errors(["cliente_anonimizado", "campo_desconhecido"], "non_field_errors")
class LegalHoldsView(_LgpdView):
    serializer_class = RetencaoLegalSerializer

    @extend_schema(
        summary=_("Retenções legais do cliente (impedem anonimização e exclusão)"),
        responses={200: RetencaoLegalSerializer(many=True)},
    )
    def get(self, request, *args, **kwargs):
        cliente = self.cliente()
        return Response(RetencaoLegalSerializer(legal_holds(id_cliente=cliente.pk), many=True).data)

    @extend_schema(
        summary=_("Registrar retenção legal (obrigação legal ou regulatória, art. 16, I)"),
        responses={201: RetencaoLegalSerializer},
    )
    def post(self, request, *args, **kwargs):
        cliente = self.cliente()
        serializer = RetencaoLegalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        hold = _run(
            services.retencao_legal_set,
            actor=request.user,
            id_cliente=cliente.pk,
            **serializer.validated_data,
        )
        return Response(RetencaoLegalSerializer(hold).data, status=status.HTTP_201_CREATED)


@extend_validation_errors(["retencao_encerrada"], field_name="non_field_errors")
class LegalHoldReleaseView(_LgpdView):
    serializer_class = RetencaoLegalSerializer

    @extend_schema(
        summary=_("Encerrar uma retenção legal"),
        request=None,
        responses={200: RetencaoLegalSerializer},
    )
    def post(self, request, *args, **kwargs):
        cliente = self.cliente()
        hold = _run(
            services.retencao_legal_release,
            actor=request.user,
            id_cliente=cliente.pk,
            id_retencao=self.kwargs["id_retencao"],
        )
        return Response(RetencaoLegalSerializer(hold).data)
