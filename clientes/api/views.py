"""REST endpoints of the client registry (/api/v1/clients/).

Reads go through ``clientes.selectors`` and writes through
``clientes.services``. Every write to an existing client carries the version
the caller read, as ``If-Match: "<versao>"`` (the ETag of GET), so a client
changed meanwhile is never silently overwritten (412).
"""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from audit.choices import Action
from audit.services import audit_record
from clientes import services
from clientes.api.errors import (
    ClientErrorResponseSerializer,
    PreconditionFailed,
    PreconditionRequired,
    validation_error,
)
from clientes.api.params import (
    FILTER_SCHEMAS,
    NO_WORD_CODES,
    declare_parameter_errors,
    filter_parameters,
    parameter_error_codes,
    refuse_nonconforming,
)
from clientes.api.serializers import (
    ClienteGravadoSerializer,
    ClienteResultSerializer,
    ClienteSerializer,
    DeactivateSerializer,
    result_row,
)
from clientes.masking import can_see_full_cpf
from clientes.models import Cliente
from clientes.search_measure import SearchFacts, audited_search
from clientes.selectors import (
    ClienteIncorporado,
    cliente_get,
    cliente_list_rows,
    possible_duplicates,
    with_age,
)
from idempotency.api import IDEMPOTENCY_PARAMETERS, IDEMPOTENCY_RESPONSES, idempotent

_ETAG = re.compile(r'^(?:W/)?"([0-9]{1,9})"$')


class ClientePermission(BasePermission):
    """Model permissions by method; viewing needs ``view_cliente`` too."""

    perms = {
        "GET": "clientes.view_cliente",
        "HEAD": "clientes.view_cliente",
        "OPTIONS": "clientes.view_cliente",
        "POST": "clientes.add_cliente",
        "PUT": "clientes.change_cliente",
        "PATCH": "clientes.change_cliente",
        "DELETE": "clientes.delete_cliente",
    }

    def has_permission(self, request, view):
        perm = getattr(view, "required_permission", None) or self.perms.get(request.method)
        user = request.user
        return bool(user and user.is_authenticated and perm and user.has_perm(perm))


class ClientePagination(PageNumberPagination):
    """Page numbers without a total: counting a million-row filter costs more than the page.

    One extra row is read to know whether a next page exists.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    max_page = 999_999

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        refuse_nonconforming(request.query_params, self.parameter_schemas())
        size = int(request.query_params.get(self.page_size_query_param, self.page_size))
        self.number = int(request.query_params.get(self.page_query_param, "1"))
        offset = (self.number - 1) * size
        rows = list(queryset[offset : offset + size + 1])
        if not rows and self.number > 1:
            raise NotFound(_("Página inválida."))
        self.has_next = len(rows) > size
        return rows[:size]

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number == 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def parameter_schemas(self) -> dict:
        return {
            self.page_query_param: {"type": "integer", "minimum": 1, "maximum": self.max_page},
            self.page_size_query_param: {
                "type": "integer",
                "minimum": 1,
                "maximum": self.max_page_size,
            },
        }

    def get_schema_operation_parameters(self, view):
        descriptions = {
            self.page_query_param: _("Página, a partir de 1; além da última: 404."),
            self.page_size_query_param: _("Clientes por página (padrão 25)."),
        }
        return [
            {"name": name, "in": "query", "required": False, "schema": schema,
             "description": str(descriptions[name])}
            for name, schema in self.parameter_schemas().items()
        ]  # fmt: skip

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"].pop("count")
        schema["required"] = ["next", "previous", "results"]
        return schema


class ClienteSearchFilter(BaseFilterBackend):
    """Filter with ``cliente_list_rows`` (the search path of screen, API and exports).

    Values the schema does not allow are refused first (clientes.api.params).
    """

    def filter_queryset(self, request, queryset, view):
        refuse_nonconforming(request.query_params, FILTER_SCHEMAS)
        try:
            return cliente_list_rows(user=request.user, params=request.query_params)
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc


def live_cliente(request, id_cliente: int) -> Cliente:
    """Return the client for ``request.user``; a merge's tombstone is a 404 naming the survivor.

    A 404, not a 301: a redirected PUT, PATCH or DELETE would change another
    client than the one the caller named.
    """
    try:
        return cliente_get(user=request.user, id_cliente=id_cliente)
    except ClienteIncorporado as exc:
        raise NotFound(
            _("%(msg)s Use GET /api/v1/clients/%(destino)s/.")
            % {"msg": str(exc), "destino": exc.merged_into_id}
        ) from exc


def etag(cliente: Cliente) -> str:
    return f'"{cliente.versao}"'


def _with_etag(cliente: Cliente, request, status_code=status.HTTP_200_OK) -> Response:
    # The request tells the serializer whose eyes the CPF is for (clientes.masking).
    data = ClienteSerializer(cliente, context={"request": request}).data
    response = Response(data, status=status_code)
    response["ETag"] = etag(cliente)
    return response


def _with_warnings(response: Response, request) -> Response:
    # Not blocking: the write is done; the answer says whom it probably duplicates.
    response.data["possiveis_duplicados"] = possible_duplicates(
        user=request.user, id_cliente=response.data["id_cliente"]
    )
    return response


def _if_match(request, *, required: bool) -> int | None:
    """Return the version in If-Match; 428 when required and missing, 412 when unusable."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if required:
            raise PreconditionRequired()
        return None
    match = _ETAG.match(header)
    if not match:
        raise PreconditionFailed(
            _('If-Match inválido: use o ETag recebido no GET, por exemplo "3".')
        )
    return int(match.group(1))


def _conflict(exc: services.ClienteAlteradoError) -> PreconditionFailed:
    return PreconditionFailed(
        _("%(msg)s ETag atual: %(etag)s.") % {"msg": exc.message, "etag": f'"{exc.versao_atual}"'}
    )


# The ETag grammar we send and accept (_ETAG); anything else is a 412.
ETAG_SCHEMA = {"type": "string", "pattern": r'^(W/)?"[0-9]{1,9}"$'}

IF_MATCH = OpenApiParameter(
    "If-Match",
    ETAG_SCHEMA,
    OpenApiParameter.HEADER,
    required=True,
    description=_('ETag do cliente lido no GET, ex.: "3". Sem ele: 428; desatualizado: 412.'),
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match",
    ETAG_SCHEMA,
    OpenApiParameter.HEADER,
    required=False,
    description=_("ETag do cliente lido no GET; se enviado e desatualizado: 412."),
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    ETAG_SCHEMA,
    OpenApiParameter.HEADER,
    response=True,
    description=_("Versão atual do cliente, para enviar em If-Match."),
)
PRECONDITION_RESPONSES = {
    412: OpenApiResponse(
        ClientErrorResponseSerializer, _("O cliente foi alterado por outra pessoa.")
    ),
    428: OpenApiResponse(ClientErrorResponseSerializer, _("Falta o cabeçalho If-Match.")),
}


def _client_validation_errors(methods):
    """Declare the error codes our rules add, so the schema lists every code we send."""

    def decorate(view):
        declared = {
            "cpf": ["cpf_invalid", "cpf_length", "cpf_duplicado", "invalid"],
            "nome_completo": ["texto_invalido"],
            "nome_social": ["texto_invalido"],
            "nome_mae": ["texto_invalido"],
            "data_nascimento": ["data_nascimento_futura", "data_nascimento_antiga"],
            "enderecos.non_field_errors": ["principal_multiplo"],
            "enderecos": ["null"],
            "telefones": ["null"],
            "enderecos.INDEX": ["null"],
            "telefones.INDEX": ["null"],
            "enderecos.INDEX.id": ["item_inexistente"],
            "enderecos.INDEX.cep": ["cep_invalid", "invalid"],
            "telefones.non_field_errors": ["principal_multiplo"],
            "telefones.INDEX.id": ["item_inexistente"],
            "telefones.INDEX.numero": [
                "phone_length", "phone_ddd", "phone_mobile", "phone_landline", "invalid",
            ],
            "non_field_errors": ["campo_desconhecido"],
            "Idempotency-Key": ["invalid"],
            "enderecos.INDEX.non_field_errors": ["campo_desconhecido"],
            "telefones.INDEX.non_field_errors": ["campo_desconhecido"],
        }  # fmt: skip
        for field in ("logradouro", "numero", "complemento", "bairro", "cidade"):
            declared[f"enderecos.INDEX.{field}"] = ["texto_invalido"]
        for field, codes in declared.items():
            view = extend_validation_errors(codes, field_name=field, methods=methods)(view)
        return view

    return decorate


@_client_validation_errors(methods=["post"])
@declare_parameter_errors(
    parameter_error_codes(
        [*FILTER_SCHEMAS, "page", "page_size"],
        idade_max=["intervalo_invalido"],
        criado_ate=["intervalo_invalido"],
        **NO_WORD_CODES,
    )
)
@extend_validation_errors(["criterio_obrigatorio"], field_name="non_field_errors", methods=["get"])
@extend_schema_view(
    get=extend_schema(
        summary=_("Listar e filtrar clientes (paginado)"),
        description=_(
            "Exige pelo menos um critério que restrinja a pesquisa (como a tela). Cada "
            "cliente vem resumido (CPF mascarado); o perfil completo é GET .../{id}/. "
            "As páginas lidas por usuário são limitadas (429 ao exceder)."
        ),
        parameters=filter_parameters(),
        responses={200: ClienteResultSerializer(many=True)},
    ),
    post=extend_schema(
        summary=_("Cadastrar cliente com endereços e telefones"),
        parameters=[ETAG_HEADER, *IDEMPOTENCY_PARAMETERS],
        responses={201: ClienteGravadoSerializer, **IDEMPOTENCY_RESPONSES},
    ),
)
class ClienteListCreateView(generics.ListCreateAPIView):
    serializer_class = ClienteSerializer
    permission_classes = [ClientePermission]
    pagination_class = ClientePagination
    filter_backends = [ClienteSearchFilter]
    queryset = Cliente.objects.none()  # the search filter supplies the rows

    limits_client_pages = True  # each page counts (config.throttling.ClientPagesThrottle)

    def get_serializer_class(self):
        # Lists show rows (masked CPF), never profiles: no bulk copy of e-mails,
        # phones and addresses a page at a time.
        return ClienteResultSerializer if self.request.method == "GET" else ClienteSerializer

    def list(self, request, *args, **kwargs):
        # Every search is recorded with whom it showed; no total: what the page returned.
        rows = audited_search(
            request=request,
            params=request.query_params,
            run=lambda: self.paginate_queryset(self.filter_queryset(self.get_queryset())),
            facts=lambda page: SearchFacts(
                len(page), exact=False, ids=[row["id_cliente"] for row in page]
            ),
        )
        results = [result_row(row) for row in with_age(rows)]
        return self.get_paginated_response(ClienteResultSerializer(results, many=True).data)

    @idempotent
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            cliente = services.cliente_create(actor=request.user, **serializer.service_kwargs())
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        cliente = cliente_get(user=request.user, id_cliente=cliente.pk)
        response = _with_warnings(_with_etag(cliente, request, status.HTTP_201_CREATED), request)
        response["Location"] = f"{request.path}{cliente.pk}/"
        return response


@extend_schema_view(
    get=extend_schema(summary=_("Perfil completo do cliente"), parameters=[ETAG_HEADER]),
    put=extend_schema(
        summary=_("Substituir os dados do cliente"),
        description=_(
            "Campos opcionais omitidos voltam ao vazio; endereços e telefones omitidos são "
            "removidos. Itens com id alteram a linha existente."
        ),
        parameters=[IF_MATCH, ETAG_HEADER],
        responses={200: ClienteGravadoSerializer, **PRECONDITION_RESPONSES},
    ),
    patch=extend_schema(
        summary=_("Alterar alguns campos do cliente"),
        description=_(
            "Só os campos enviados mudam; uma lista de endereços/telefones enviada "
            "substitui a atual."
        ),
        parameters=[IF_MATCH, ETAG_HEADER],
        responses={200: ClienteGravadoSerializer, **PRECONDITION_RESPONSES},
    ),
    delete=extend_schema(
        summary=_("Excluir o cliente definitivamente (administradores)"),
        description=_("Para apenas inativar, use POST .../deactivate/."),
        parameters=[IF_MATCH],
        responses={204: None, **PRECONDITION_RESPONSES},
    ),
)
@_client_validation_errors(methods=["put", "patch"])
@extend_validation_errors(["retencao_legal"], field_name="non_field_errors", methods=["delete"])
class ClienteDetailView(generics.GenericAPIView):
    serializer_class = ClienteSerializer
    permission_classes = [ClientePermission]
    queryset = Cliente.objects.none()

    def get_object(self) -> Cliente:
        return live_cliente(self.request, self.kwargs["id_cliente"])

    def get(self, request, *args, **kwargs):
        cliente = self.get_object()
        audit_record(action=Action.CLIENTE_VIEW, request=request, target=cliente)
        return _with_etag(cliente, request)

    def put(self, request, *args, **kwargs):
        return self._update(request, partial=False)

    def patch(self, request, *args, **kwargs):
        return self._update(request, partial=True)

    def delete(self, request, *args, **kwargs):
        cliente = self.get_object()
        versao = _if_match(request, required=True)
        try:
            services.cliente_delete(actor=request.user, id_cliente=cliente.pk, versao=versao)
        except services.ClienteAlteradoError as exc:
            raise _conflict(exc) from exc
        except Cliente.DoesNotExist as exc:
            raise Http404 from exc
        except DjangoValidationError as exc:  # e.g. a legal hold (lgpd) refuses the deletion
            raise validation_error(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _update(self, request, *, partial: bool) -> Response:
        cliente = self.get_object()
        versao = _if_match(request, required=True)
        # Any CPF sent, even the current one: comparing would answer "is this it?".
        sends_cpf = isinstance(request.data, Mapping) and "cpf" in request.data
        if sends_cpf and not can_see_full_cpf(request.user):
            raise PermissionDenied(services.CPF_CHANGE_DENIED)
        serializer = self.get_serializer(cliente, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        kwargs = serializer.service_kwargs()
        if not partial:
            # PUT replaces the whole client: what is left out goes back to empty.
            empty = {"data_nascimento": None, "cpf": cliente.cpf}  # a CPF is never emptied
            kwargs["data"] = {
                name: kwargs["data"].get(name, empty.get(name, ""))
                for name in services.CLIENTE_FIELDS
            }
            kwargs.setdefault("enderecos", [])
            kwargs.setdefault("telefones", [])
        try:
            services.cliente_update(
                actor=request.user, id_cliente=cliente.pk, versao=versao, **kwargs
            )
        except services.ClienteAlteradoError as exc:
            raise _conflict(exc) from exc
        except Cliente.DoesNotExist as exc:
            raise Http404 from exc
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return _with_warnings(_with_etag(self.get_object(), request), request)


class _StatusView(generics.GenericAPIView):
    serializer_class = ClienteSerializer
    permission_classes = [ClientePermission]
    required_permission = "clientes.change_cliente"
    queryset = Cliente.objects.none()

    def _run(self, request, action, **extra) -> Response:
        cliente = live_cliente(request, self.kwargs["id_cliente"])
        versao = _if_match(request, required=False)
        try:
            action(actor=request.user, id_cliente=cliente.pk, versao=versao, **extra)
        except services.ClienteAlteradoError as exc:
            raise _conflict(exc) from exc
        except Cliente.DoesNotExist as exc:
            raise Http404 from exc
        except DjangoValidationError as exc:
            raise validation_error(exc) from exc
        return _with_etag(cliente_get(user=request.user, id_cliente=cliente.pk), request)


@extend_validation_errors(["required", "texto_invalido"], field_name="motivo_inativacao")
@extend_validation_errors(["cliente_inativo", "campo_desconhecido"], field_name="non_field_errors")
class ClienteDeactivateView(_StatusView):
    @extend_schema(
        summary=_("Inativar o cliente (exclusão lógica, com motivo)"),
        request=DeactivateSerializer,
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        responses={200: ClienteSerializer, 412: PRECONDITION_RESPONSES[412]},
    )
    def post(self, request, *args, **kwargs):
        serializer = DeactivateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._run(
            request,
            services.cliente_deactivate,
            motivo=serializer.validated_data["motivo_inativacao"],
        )


@extend_validation_errors(["cliente_ativo"], field_name="non_field_errors")
class ClienteReactivateView(_StatusView):
    @extend_schema(
        summary=_("Reativar um cliente inativo"),
        request=None,
        parameters=[IF_MATCH_OPTIONAL, ETAG_HEADER],
        responses={200: ClienteSerializer, 412: PRECONDITION_RESPONSES[412]},
    )
    def post(self, request, *args, **kwargs):
        return self._run(request, services.cliente_reactivate)
