"""Bench-only JSON routes over the real selectors (never installed in production).

A CPF lookup has no page of its own (the search opens the profile of a full
CPF), so these measure ``cliente_get_by_cpf`` over HTTP through the whole
stack: gunicorn, the middleware, the session, the permission check, the
selector and Redis. The consistency run reads through them too.
"""

import os

from django.contrib.auth.decorators import login_required, permission_required
from django.http import JsonResponse
from django.urls import include, path

from clientes.selectors import cliente_get, cliente_get_by_cpf
from common.br import only_digits
from common.cache import metrics


def _profile(cliente):
    if cliente is None:
        return JsonResponse({"detail": "não encontrado"}, status=404)
    response = JsonResponse(
        {
            "id": cliente.pk,
            "nome_social": cliente.nome_social,
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


urlpatterns = [
    path("bench/cpf/<str:cpf>/", by_cpf),
    path("bench/cliente/<int:id_cliente>/", by_id),
    path("", include("config.urls")),
]
