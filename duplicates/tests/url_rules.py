"""Who may use the duplicates URLs: Gerente and Administrador. See accounts/tests/matrix.py."""

from accounts.roles import GERENTE
from accounts.tests.matrix import api, page
from clientes import services
from clientes.tests.factories import cliente_data
from duplicates.models import ParDuplicado


def _pair(ctx):
    """A fresh pair for each visitor (a POST may merge or dismiss it)."""
    a, b = (services.cliente_create(actor=None, data=cliente_data()) for _ in range(2))
    pair = ParDuplicado.objects.create(
        cliente_a=a, cliente_b=b, score=60, motivos=["nome_nascimento"]
    )
    return pair


def _pair_kwargs(ctx):
    return {"pk": _pair(ctx).pk}


def _merge_kwargs(ctx):
    return {"id_cliente": _pair(ctx).cliente_a_id}


url_rules = {
    "duplicates:list": page(GERENTE),
    "duplicates:compare": page(GERENTE, kwargs=_pair_kwargs),
    "duplicates:refresh": page(GERENTE, method="post", ok=302),
    "duplicates:dismiss": page(GERENTE, method="post", kwargs=_pair_kwargs, ok=302),
    # No choice posted: "Escolha o CPF que permanece." (400) for who may merge.
    "duplicates:merge": page(GERENTE, method="post", kwargs=_pair_kwargs, ok=400),
    "clients-duplicates": api(GERENTE),
    # An empty body: 400 ("from" is required) for who may merge.
    "clients-merge": api(
        GERENTE,
        method="post",
        kwargs=_merge_kwargs,
        data={},
        content_type="application/json",
        ok=400,
    ),
}
