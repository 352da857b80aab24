"""The client form's CEP lookup: UF from the ranges, city and street when configured."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from clientes.cep import address_for_cep


@login_required
@require_GET
def cep_lookup(request, cep: str):
    """Return ``{uf, cidade, logradouro, bairro}`` for an 8-digit CEP (JSON)."""
    user = request.user
    if not (user.has_perm("clientes.add_cliente") or user.has_perm("clientes.change_cliente")):
        raise PermissionDenied
    return JsonResponse(address_for_cep(cep))
