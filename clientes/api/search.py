"""GET /api/v1/clients/search: the search screen's query, as JSON.

Same parameters and selector as the screen (/clientes/), so the same search
finds the same clients. Two ways to page: ``page``/``size`` with counts and
categories, or a keyset ``cursor`` for integrators walking large result sets.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import audit_search
from clientes.api.cursors import InvalidCursor, cursor_decode, cursor_encode
from clientes.api.serializers import ClienteResultSerializer, result_row
from clientes.filters import ClienteFilterSet
from clientes.saved_searches import params_with_saved
from clientes.search_measure import measure_search
from clientes.selectors import (
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
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


def _filter_parameters() -> list[OpenApiParameter]:
    parameters = []
    for name, filter_ in ClienteFilterSet.base_filters.items():
        choices = getattr(filter_, "extra", {}).get("choices")
        parameters.append(
            OpenApiParameter(
                name,
                OpenApiTypes.STR,
                description=str(filter_.label),
                enum=[value for value, _label in choices] if choices else None,
            )
        )
    return parameters


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
            *_filter_parameters(),
            OpenApiParameter("page", OpenApiTypes.INT, description="A partir de 1."),
            OpenApiParameter("size", OpenApiTypes.INT, description="10 a 100 (padrão 50)."),
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description="Paginação por cursor (keyset)."
            ),
            OpenApiParameter(
                "saved",
                OpenApiTypes.INT,
                description="Roda uma pesquisa salva; os demais parâmetros a restringem.",
            ),
        ],
        responses={200: PageResponse},
    )
    def get(self, request):
        params = request.query_params.copy()
        try:
            params = params_with_saved(user=request.user, params=params)
            if "cursor" in params:
                return self._keyset(request, params)
            with measure_search() as measure:
                result = cliente_search_page(
                    user=request.user,
                    params=params,
                    page=params.get("page", 1),
                    size=params.get("size", PAGE_SIZE_DEFAULT),
                )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        audit_search(
            request=request,
            params=params,
            count=result.count,
            exact=result.count_exact,
            duration_ms=measure.duration_ms,
            cache=measure.cache,
            ids=[row["id_cliente"] for row in result.rows],
        )
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
                raise ValidationError({"cursor": [_("Cursor inválido.")]}) from error
            if state.get("o") != params.get("ordering"):
                raise ValidationError({"cursor": [_("O cursor pertence a outra ordenação.")]})
            after = state.get("k")
            if not (isinstance(after, list) and len(after) == 2):
                raise ValidationError({"cursor": [_("Cursor inválido.")]})
        with measure_search() as measure:
            page = cliente_search_keyset(
                user=request.user,
                params=params,
                after=after,
                size=params.get("size", PAGE_SIZE_MAX),
            )
        next_url = None
        if page.next_key is not None:
            query = params.copy()
            state = {"o": page.ordering, "k": page.next_key}
            query["cursor"] = cursor_encode(state)
            next_url = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        # Keyset pages have no total: record what this page returned.
        audit_search(
            request=request,
            params=params,
            count=len(page.rows),
            exact=False,
            duration_ms=measure.duration_ms,
            ids=[row["id_cliente"] for row in page.rows],
        )
        return Response({"next": next_url, "results": [result_row(row) for row in page.rows]})

    @staticmethod
    def _page_url(request, page: int) -> str:
        query = request.query_params.copy()
        query["page"] = page
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
