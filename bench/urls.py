"""Bench-only JSON routes over the real selectors (never installed in production).

They stand in for the profile page and the search page until those land, so
the cache can be measured over HTTP through the whole stack: gunicorn, the
middleware, the session, the permission check, the selector and Redis.
"""

import os

from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.urls import include, path

from clientes.br import only_digits
from clientes.cache import cached, metrics
from clientes.selectors import cliente_get, cliente_get_by_cpf, cliente_search

SEARCH_FIELDS = ("id_cliente", "nome_completo", "cpf", "data_nascimento", "ativo")


def _profile(cliente):
    if cliente is None:
        return JsonResponse({"detail": "não encontrado"}, status=404)
    response = JsonResponse(
        {
            "id": cliente.pk,
            "nome_completo": cliente.nome_completo,
            "versao": cliente.versao,
            "cidades": [e.cidade for e in cliente.enderecos.all()],
            "telefones": [t.numero for t in cliente.telefones.all()],
        }
    )
    # This worker's profile cache counters, so the bench can report the hit ratio.
    counters = metrics.snapshot()["counters"]
    response["X-Bench-Cache"] = (
        f"{os.getpid()},{counters.get('hit.profile', 0)},{counters.get('miss.profile', 0)}"
    )
    return response


@login_required
@permission_required("clientes.view_cliente", raise_exception=True)
def by_cpf(request, cpf):
    return _profile(cliente_get_by_cpf(user=request.user, cpf=only_digits(cpf)))


@login_required
@permission_required("clientes.view_cliente", raise_exception=True)
def by_id(request, id_cliente):
    return _profile(cliente_get(user=request.user, id_cliente=id_cliente))


def _first_page(params):
    queryset = cliente_search(user=None, params=params)
    return {"count": queryset.count(), "rows": list(queryset.values(*SEARCH_FIELDS)[:25])}


@login_required
@permission_required("clientes.view_cliente", raise_exception=True)
def search(request):
    params = dict(sorted(request.GET.items()))
    page = cached(["bench-search", *params.items()], lambda: _first_page(params))
    return JsonResponse(page)


urlpatterns = [
    path("bench/cpf/<str:cpf>/", by_cpf),
    path("bench/cliente/<int:id_cliente>/", by_id),
    path("bench/busca/", search),
    path("", include("config.urls")),
]
