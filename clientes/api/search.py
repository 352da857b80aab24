"""GET /api/v1/clients/search: the search screen's query, as JSON.

Same parameters and selector as the screen (/clientes/), so the same search
finds the same clients. Two ways to page: ``page``/``size`` with counts and
categories, or a keyset ``cursor`` for integrators walking large result sets.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clientes.api.cursors import InvalidCursor, cursor_decode, cursor_encode
from clientes.api.errors import validation_error
from clientes.api.params import (
    FILTER_SCHEMAS,
    NO_WORD_CODES,
    SAVED_CODES,
    declare_parameter_errors,
    filter_parameters,
    integer_parameter,
    parameter_error_codes,
    refuse_nonconforming,
)
from clientes.api.serializers import ClienteResultSerializer, result_row
from clientes.saved_searches import params_with_saved
from clientes.search_measure import SearchFacts, audited_search
from clientes.selectors import (
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    PAGE_SIZE_MIN,
    cliente_search_keyset,
    cliente_search_page,
)


class CanViewClientes(BasePermission):
    message = _("Você não tem permissão para pesquisar clientes.")

    def has_permission(self, request, view):
        return request.user.has_perm("clientes.view_cliente")


FacetSerializer = inline_serializer(
    "ClienteSearchFacet",
    {
        "name": serializers.CharField(help_text="uf, status, sexo ou idade"),
        "label": serializers.CharField(),
        "values": inline_serializer(
            "ClienteSearchFacetValue",
            {
                "value": serializers.CharField(),
                "label": serializers.CharField(),
                "count": serializers.IntegerField(),
                "exact": serializers.BooleanField(),
            },
            many=True,
        ),
    },
    many=True,
)

PageResponse = inline_serializer(
    "ClienteSearchPage",
    {
        "count": serializers.IntegerField(help_text=_("Exato até 10.000; acima, 10001.")),
        "count_exact": serializers.BooleanField(),
        "count_alike": serializers.IntegerField(
            help_text=_("Quantos de count foram encontrados só por grafia semelhante do nome.")
        ),
        "page": serializers.IntegerField(),
        "size": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "facets": FacetSerializer,
        "suggestions": serializers.ListField(child=serializers.CharField()),
        "results": ClienteResultSerializer(many=True),
    },
)


KeysetResponse = inline_serializer(
    "ClienteSearchKeysetPage",
    {
        "next": serializers.URLField(allow_null=True),
        "results": ClienteResultSerializer(many=True),
    },
)

# page * size may not pass the counted results (10,000): deeper, use the cursor.
PAGE_MAX = 1000
PAGING_SCHEMAS = {
    "page": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX},
    "size": {"type": "integer", "minimum": PAGE_SIZE_MIN, "maximum": PAGE_SIZE_MAX},
    # Empty starts a keyset walk; then the opaque value of `next`.
    "cursor": {"type": "string", "minLength": 0, "maxLength": 500},
}


@declare_parameter_errors(
    parameter_error_codes(
        [*FILTER_SCHEMAS, *PAGING_SCHEMAS],
        idade_max=["intervalo_invalido"],
        criado_ate=["intervalo_invalido"],
        page=["pagina_alem_do_limite"],
        cursor=["cursor_invalido"],
        **NO_WORD_CODES,
        saved=SAVED_CODES,
    )
)
class ClienteSearchAPIView(APIView):
    """Search clients by the one box (q), CPF, name, city, age and more."""

    permission_classes = [IsAuthenticated, CanViewClientes]
    limits_client_pages = True  # each page counts (config.throttling.ClientPagesThrottle)

    @extend_schema(
        operation_id="clients_search",
        summary="Pesquisar clientes",
        description=(
            "Os mesmos parâmetros da tela de pesquisa. `q` reconhece CPF (com ou sem "
            "máscara; 11 dígitos = exato, menos = prefixo só com a permissão de ver o CPF "
            "completo), telefone, e-mail ou nome "
            "(partes de palavras, qualquer ordem, sem acentos, e grafias semelhantes como "
            "Souza/Sousa, marcadas em `grafia_semelhante`); um nome pode vir com a data de "
            "nascimento e, após “mãe”, o nome da mãe (`maria silva 12/04/1985 mae conceicao`). "
            "Paginação por `page`/`size` "
            "(contagens e categorias) ou por cursor: envie `cursor=` (vazio) e siga `next` "
            "(ordem padrão `id_cliente`)."
        ),
        parameters=[
            *filter_parameters(),
            integer_parameter(
                "page", 1, PAGE_MAX, _("A partir de 1; página vezes tamanho até 10.000.")
            ),
            integer_parameter(
                "size", PAGE_SIZE_MIN, PAGE_SIZE_MAX, _("Resultados por página (padrão 50).")
            ),
            OpenApiParameter(
                "cursor",
                PAGING_SCHEMAS["cursor"],
                description=_("Paginação por cursor (keyset): vazio para começar."),
            ),
            OpenApiParameter(
                "saved",
                {"type": "integer", "minimum": 1},
                description="Roda uma pesquisa salva; os demais parâmetros a restringem.",
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="ClienteSearchResponse",
                serializers=[PageResponse, KeysetResponse],
                resource_type_field_name=None,
            )
        },
    )
    def get(self, request):
        params = request.query_params.copy()
        refuse_nonconforming(params, {**FILTER_SCHEMAS, **PAGING_SCHEMAS})
        try:
            params = params_with_saved(user=request.user, params=params)
            if "cursor" in params:
                return self._keyset(request, params)
            result = audited_search(
                request=request,
                params=params,
                run=lambda: cliente_search_page(
                    user=request.user,
                    params=params,
                    page=params.get("page", 1),
                    size=params.get("size", PAGE_SIZE_DEFAULT),
                ),
                facts=lambda r: SearchFacts(r.count, r.count_exact, _ids(r.rows)),
            )
        except DjangoValidationError as error:
            raise validation_error(error) from error
        return Response(
            {
                "count": result.count,
                "count_exact": result.count_exact,
                "count_alike": result.count_alike,
                "page": result.page,
                "size": result.size,
                "next": self._page_url(request, result.page + 1) if result.has_next else None,
                "previous": (
                    self._page_url(request, result.page - 1) if result.has_previous else None
                ),
                "facets": result.facets,
                "suggestions": result.suggestions,
                "results": [result_row(row) for row in result.rows],
            }
        )

    def _keyset(self, request, params):
        token = params.pop("cursor")[-1]
        params.setdefault("ordering", "id_cliente")
        after = None
        if token:
            try:
                state = cursor_decode(token)
            except InvalidCursor as error:
                raise _cursor_error(_("Cursor inválido.")) from error
            if state.get("o") != params.get("ordering"):
                raise _cursor_error(_("O cursor pertence a outra ordenação."))
            after = state.get("k")
            if not (isinstance(after, list) and len(after) == 2):
                raise _cursor_error(_("Cursor inválido."))
        # Keyset pages have no total: record what this page returned.
        page = audited_search(
            request=request,
            params=params,
            run=lambda: cliente_search_keyset(
                user=request.user,
                params=params,
                after=after,
                size=params.get("size", PAGE_SIZE_MAX),
            ),
            facts=lambda p: SearchFacts(len(p.rows), exact=False, ids=_ids(p.rows)),
        )
        next_url = None
        if page.next_key is not None:
            query = params.copy()
            state = {"o": page.ordering, "k": page.next_key}
            query["cursor"] = cursor_encode(state)
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response({"next": next_url, "results": [result_row(row) for row in page.rows]})

    @staticmethod
    def _page_url(request, page: int) -> str:
        query = request.query_params.copy()
        query["page"] = page
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def _ids(rows) -> list[int]:
    return [row["id_cliente"] for row in rows]


def _cursor_error(message) -> ValidationError:
    # Its own code: a cursor's validity is no format a schema could state.
    return ValidationError({"cursor": [ErrorDetail(message, code="cursor_invalido")]})
