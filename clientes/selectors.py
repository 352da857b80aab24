"""Reads of clients, with their rules. Views, the API and tasks call these."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from clientes.filters import ClienteFilterSet
from clientes.models import Cliente, Endereco, Telefone


def cliente_search(*, user, params: Mapping) -> QuerySet[Cliente]:
    """Return the clients matching the search ``params``, in a stable order.

    ``params`` uses the public names of ``ClienteFilterSet`` (a QueryDict or a
    plain dict, e.g. the filters stored with an export job). Raises
    ``ValidationError`` (pt-BR messages per parameter) for invalid parameters.
    """
    filterset = ClienteFilterSet(data=params, queryset=Cliente.objects.all())
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def cliente_get(*, user, id_cliente: int) -> Cliente:
    """Return one client with addresses and phones, or raise Http404."""
    queryset = Cliente.objects.select_related("created_by", "updated_by").prefetch_related(
        Prefetch("enderecos", queryset=Endereco.objects.order_by("-principal", "id")),
        Prefetch("telefones", queryset=Telefone.objects.order_by("-principal", "id")),
    )
    return get_object_or_404(queryset, pk=id_cliente)


def cliente_get_by_cpf(*, user, cpf: str) -> Cliente | None:
    """Return the client with this CPF (11 digits, already normalised), or None."""
    return Cliente.objects.filter(cpf=cpf).first()
