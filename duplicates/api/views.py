"""REST endpoints of probable duplicates: list the pairs, merge two clients.

``POST /clients/{id}/merge/`` carries the versions of both clients in
``If-Match`` (``"<ETag of id>", "<ETag of from>"``, the ETags of their GET):
a client changed meanwhile is never merged silently (412).
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from clientes.api.errors import (
    ClientErrorResponseSerializer,
    PreconditionFailed,
    PreconditionRequired,
    validation_error,
)
from clientes.api.params import declare_parameter_errors, parameter_error_codes
from clientes.api.serializers import ClienteSerializer
from clientes.api.views import ETAG_HEADER, ClientePagination, _with_etag, live_cliente
from clientes.models import Cliente
from clientes.services import ClienteAlteradoError
from duplicates import services
from duplicates.api.serializers import MergeSerializer, ParDuplicadoSerializer
from duplicates.models import ParDuplicado
from duplicates.selectors import PERMISSION, pair_list
from idempotency.api import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent

_ETAG = r'(?:W/)?"([0-9]{1,9})"'
_IF_MATCH = re.compile(rf"^\s*{_ETAG}\s*,\s*{_ETAG}\s*$")
IF_MATCH_BOTH = OpenApiParameter(
    "If-Match",
    {"type": "string", "pattern": r'^(W/)?"[0-9]{1,9}", ?(W/)?"[0-9]{1,9}"$'},
    OpenApiParameter.HEADER,
    required=True,
    description=_(
        'Os ETags dos dois clientes, lidos no GET: primeiro o de {id}, depois o de "from", '
        'ex.: "3", "7". Sem ele: 428; desatualizado ou inválido: 412.'
    ),
)


class DuplicatesPermission(BasePermission):
    """Gerente and Administrador: ``duplicates.merge_clientes`` (and changing clients)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm(PERMISSION)):
            return False
        return request.method == "GET" or user.has_perm("clientes.change_cliente")


@declare_parameter_errors(parameter_error_codes(["page", "page_size"]))
@extend_schema(
    summary=_("Listar prováveis duplicados (maior pontuação primeiro)"),
    description=_(
        "Pares de clientes que provavelmente são a mesma pessoa, com pontuação (0-100) e "
        "motivos. Pares marcados como não duplicados não aparecem. CPFs mascarados."
    ),
    responses={
        200: ParDuplicadoSerializer(many=True),
        404: OpenApiResponse(ClientErrorResponseSerializer, _("Página inexistente.")),
    },
)
class DuplicatesListView(generics.ListAPIView):
    serializer_class = ParDuplicadoSerializer
    permission_classes = [DuplicatesPermission]
    # Strict page parameters (400 for anything but integers in range), no total.
    pagination_class = ClientePagination
    queryset = ParDuplicado.objects.none()

    def get_queryset(self):
        return pair_list(user=self.request.user)


def _versions(request) -> tuple[int, int]:
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired(
            _('Envie If-Match com os ETags dos dois clientes, ex.: "3", "7" ({id} e "from").')
        )
    match = _IF_MATCH.match(header)
    if not match:
        raise PreconditionFailed(
            _('If-Match inválido: envie os dois ETags recebidos no GET, ex.: "3", "7".')
        )
    return int(match.group(1)), int(match.group(2))


@extend_validation_errors(
    ["mesmo_cliente", "cliente_incorporado", "cliente_anonimizado", "cliente_bloqueado",
     "campo_desconhecido"],
    field_name="non_field_errors",
)  # fmt: skip
@extend_validation_errors(["cpf_do_incorporado"], field_name="fields.cpf")
@extend_validation_errors(["campo_desconhecido"], field_name="fields.non_field_errors")
@extend_validation_errors(["invalid"], field_name="Idempotency-Key")
class ClienteMergeView(generics.GenericAPIView):
    serializer_class = MergeSerializer
    permission_classes = [DuplicatesPermission]
    queryset = Cliente.objects.none()

    @extend_schema(
        summary=_("Unificar dois clientes duplicados"),
        description=_(
            'O cliente "from" é incorporado a {id}: cada campo fica com o valor do cliente '
            "indicado em fields (omitido: o de {id}, ou o de from se o de {id} estiver vazio); "
            "endereços e telefones são unidos sem repetição. O CPF que fica é o de {id}. "
            'O cliente "from" vira lápide: GET .../{from}/ responde 404 citando {id}. '
            "Clientes bloqueados ou anonimizados (LGPD) não são unificados (400)."
        ),
        request=MergeSerializer,
        parameters=[IF_MATCH_BOTH, ETAG_HEADER, *IDEMPOTENCY_PARAMETERS],
        responses={
            200: ClienteSerializer,
            404: OpenApiResponse(ClientErrorResponseSerializer, _("Cliente inexistente.")),
            412: OpenApiResponse(
                ClientErrorResponseSerializer, _("Um dos clientes foi alterado desde a leitura.")
            ),
            428: OpenApiResponse(ClientErrorResponseSerializer, _("Falta o cabeçalho If-Match.")),
            451: OpenApiResponse(
                ClientErrorResponseSerializer,
                _("Um dos clientes está bloqueado (LGPD) para este usuário."),
            ),
            **IDEMPOTENCY_RESPONSES,
        },
    )
    @idempotent
    def post(self, request, *args, **kwargs):
        cliente = live_cliente(request, self.kwargs["id_cliente"])
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        id_outro = serializer.validated_data["from"]
        versao, versao_outro = _versions(request)
        live_cliente(request, id_outro)  # 404 (naming the survivor of a tombstone)
        try:
            survivor = services.clientes_merge(
                actor=request.user,
                id_cliente=cliente.pk,
                id_outro=id_outro,
                fields=serializer.validated_data.get("fields", {}),
                versao=versao,
                versao_outro=versao_outro,
            )
        except ClienteAlteradoError as exc:
            raise PreconditionFailed(
                _("Cliente nº %(id)s: %(msg)s ETag atual: %(etag)s.")
                % {"id": exc.id_cliente, "msg": exc.message, "etag": f'"{exc.versao_atual}"'}
            ) from exc
        except Cliente.DoesNotExist as exc:
            raise NotFound() from exc
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return _with_etag(live_cliente(request, survivor.pk), request)
