"""Saved searches over the API: /api/v1/saved-searches/ and /api/v1/saved-searches/{id}/.

Same rules as the screen (``clientes.saved_searches``): a user lists their own
and the shared searches, shares only as Gerente or Administrador, changes or
deletes only their own (administrators any). Run one with
``GET /api/v1/clients/search?saved=<id>``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from clientes import saved_searches as svc
from clientes.api.errors import service_validation_error
from clientes.api.filter_fields import (
    SearchFiltersSerializer,
    typed,
)
from clientes.api.search import CanViewClientes
from clientes.api.serializers import IdentifierField
from clientes.filters import FILTER_NAMES, ClienteFilterSet


class SavedSearchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nome = serializers.CharField()
    filters = SearchFiltersSerializer(help_text=_("Parâmetros da pesquisa de clientes."))
    shared = serializers.BooleanField()
    pinned = serializers.BooleanField(help_text=_("Fixada no painel do usuário."))
    owner = serializers.CharField(help_text=_("Nome de quem a salvou."))
    mine = serializers.BooleanField()
    valid = serializers.BooleanField(help_text=_("Falso quando os critérios não validam mais."))
    problems = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _filter_error_codes() -> list[str]:
    """Every error code the search's FilterSet may give a filter (its fields' and rules')."""
    # The FilterSet's own rules (clientes.filters), beyond its fields' messages.
    codes = {"invalid", "no_word", "intervalo_invalido", "date", "cpf", "telefone", "cep"}
    # "nome" is also the saved search's own name (api_error nests it with the filters).
    codes.add("nome_duplicado")
    for field in ClienteFilterSet().form.fields.values():
        codes |= set(field.error_messages)
        codes |= {getattr(validator, "code", "invalid") for validator in field.validators}
    return sorted(codes)


FILTER_ERROR_CODES = _filter_error_codes()


class StrictBooleanField(serializers.BooleanField):
    """A JSON true/false only (DRF would also take "yes", 1 or "on")."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


def api_error(error: DjangoValidationError, attr: str = "non_field_errors"):
    """Return the 400 of a service error, filter errors under ``filters.<name>``."""
    return service_validation_error(error, attr, nested=("filters", FILTER_NAMES))


def declare_service_errors(view, fields: tuple[str, ...], methods: list[str], codes: dict):
    """Declare what the services raise, so the schema lists every error code."""
    for name in fields:
        view = extend_validation_errors(["invalid"], field_name=name, methods=methods)(view)
    for name in FILTER_NAMES:  # what the search's FilterSet may answer about a filter
        for field_name in (f"filters.{name}", name):  # the FilterSet's own rules use the bare name
            view = extend_validation_errors(
                FILTER_ERROR_CODES, field_name=field_name, methods=methods
            )(view)
    for name, extra in codes.items():
        view = extend_validation_errors(extra, field_name=name, methods=methods)(view)
    return view


class SavedSearchWriteSerializer(serializers.Serializer):
    nome = IdentifierField(max_length=svc.NOME_MAX)
    filters = SearchFiltersSerializer(
        help_text=_('Os mesmos parâmetros da pesquisa, ex. {"uf": "SP", "idade_min": 60}.')
    )
    shared = StrictBooleanField(required=False, default=False)
    pinned = StrictBooleanField(required=False, default=True)


def _data(saved, user) -> dict:
    problems = svc.saved_search_problems(saved)
    pinned = getattr(saved, "is_pinned", None)
    if pinned is None:
        pinned = saved.pinned_by.filter(pk=user.pk).exists()
    return {
        "id": saved.pk,
        "nome": saved.nome,
        "filters": typed(saved.filters),
        "shared": saved.shared,
        "pinned": pinned,
        "owner": saved.owner.get_full_name(),
        "mine": saved.owner_id == user.pk,
        "valid": not problems,
        "problems": problems,
        "created_at": saved.created_at,
        "updated_at": saved.updated_at,
    }


def _valid(serializer_class, request, partial=False) -> dict:
    if not isinstance(request.data, dict):
        raise serializers.ValidationError(
            {"non_field_errors": [_("O corpo deve ser um objeto JSON.")]}
        )
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _service_errors(method: str):
    codes = {
        "filters": ["sem_criterios", "invalid", "required", "null"],
        "nome": ["invalid"],
        "shared": ["invalid"],
    }
    return lambda view: declare_service_errors(view, (), [method], codes)


@_service_errors("post")
class SavedSearchListView(APIView):
    """The saved searches the user sees, and saving a new one."""

    permission_classes = [IsAuthenticated, CanViewClientes]

    @extend_schema(
        operation_id="saved_searches_list",
        summary="Listar pesquisas salvas (próprias e compartilhadas)",
        responses={200: SavedSearchSerializer(many=True)},
    )
    def get(self, request):
        searches = svc.saved_search_list(user=request.user)
        return Response([_data(saved, request.user) for saved in searches])

    @extend_schema(
        operation_id="saved_searches_create",
        summary="Salvar uma pesquisa",
        request=SavedSearchWriteSerializer,
        responses={201: SavedSearchSerializer},
    )
    def post(self, request):
        data = _valid(SavedSearchWriteSerializer, request)
        try:
            saved = svc.saved_search_create(
                user=request.user,
                nome=data["nome"],
                params=data["filters"],
                shared=data["shared"],
                pinned=data["pinned"],
            )
        except DjangoValidationError as error:
            raise api_error(error, "filters") from error
        return Response(_data(saved, request.user), status=status.HTTP_201_CREATED)


@_service_errors("patch")
class SavedSearchDetailView(APIView):
    """One saved search: read it, rename/re-criteria/(un)share/(un)pin it, delete it."""

    permission_classes = [IsAuthenticated, CanViewClientes]

    @extend_schema(operation_id="saved_searches_retrieve", responses={200: SavedSearchSerializer})
    def get(self, request, pk):
        saved = svc.saved_search_get(user=request.user, saved_id=pk)
        return Response(_data(saved, request.user))

    @extend_schema(
        operation_id="saved_searches_partial_update",
        description=_(
            "Qualquer usuário que vê a pesquisa pode fixá-la (pinned); nome, filtros e "
            "compartilhamento só o dono (ou um administrador)."
        ),
        request=SavedSearchWriteSerializer(partial=True),
        responses={200: SavedSearchSerializer},
    )
    def patch(self, request, pk):
        saved = svc.saved_search_get(user=request.user, saved_id=pk)
        data = _valid(SavedSearchWriteSerializer, request, partial=True)
        changes = {k: data[k] for k in ("nome", "filters", "shared") if k in data}
        if changes and not svc.may_change(request.user, saved):
            raise PermissionDenied(_("Só o dono ou um administrador altera esta pesquisa."))
        try:
            if changes:
                saved = svc.saved_search_update(
                    user=request.user,
                    saved=saved,
                    nome=changes.get("nome"),
                    params=changes.get("filters"),
                    shared=changes.get("shared"),
                )
            if "pinned" in data:
                svc.saved_search_pin(user=request.user, saved=saved, pinned=data["pinned"])
        except DjangoValidationError as error:
            raise api_error(error, "filters") from error
        return Response(_data(svc.saved_search_get(user=request.user, saved_id=pk), request.user))

    @extend_schema(
        operation_id="saved_searches_destroy",
        responses={204: OpenApiResponse(description=_("Excluída."))},
    )
    def delete(self, request, pk):
        saved = svc.saved_search_get(user=request.user, saved_id=pk)
        if not svc.may_delete(request.user, saved):
            raise PermissionDenied(_("Só o dono ou um administrador exclui esta pesquisa."))
        svc.saved_search_delete(user=request.user, saved=saved)
        return Response(status=status.HTTP_204_NO_CONTENT)
