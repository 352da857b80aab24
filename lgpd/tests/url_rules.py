"""Who may use each URL of the LGPD workbench. See accounts/tests/matrix.py.

Encarregado and Administrador only: Analista and Gerente get 403.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.roles import ENCARREGADO
from accounts.tests.matrix import api, page
from clientes import services as clientes_services
from clientes.tests.factories import cliente_data, new_cpf
from lgpd import services


def _cliente(ctx):
    """A fresh client for each visitor (a POST may block or anonymise it)."""
    cliente = clientes_services.cliente_create(actor=None, data=cliente_data())
    return {"id_cliente": cliente.pk}


def _bloqueado(ctx):
    kwargs = _cliente(ctx)
    services.cliente_block(actor=None, id_cliente=kwargs["id_cliente"], motivo="Teste")
    return kwargs


def _retencao(ctx):
    kwargs = _cliente(ctx)
    hold = services.retencao_legal_set(
        actor=None,
        id_cliente=kwargs["id_cliente"],
        motivo="Processo judicial",
        ate=timezone.localdate() + timedelta(days=30),
    )
    return {**kwargs, "id_retencao": hold.pk}


def _solicitacao(ctx):
    solicitacao = services.solicitacao_create(
        actor=None, cpf=new_cpf(), tipo="acesso", canal="email"
    )
    return {"pk": solicitacao.pk, "id_solicitacao": solicitacao.pk}


_MOTIVO = {"motivo": "Pedido do titular"}

url_rules = {
    "lgpd:index": page(ENCARREGADO),
    "lgpd:request_create": page(ENCARREGADO),
    "lgpd:request_detail": page(ENCARREGADO, kwargs=_solicitacao),
    "lgpd:cliente": page(ENCARREGADO, kwargs=_cliente),
    "lgpd:settings": page(ENCARREGADO),
    "lgpd:retention": page(ENCARREGADO),
    "lgpd-requests": api(ENCARREGADO),
    "lgpd-request-detail": api(ENCARREGADO, kwargs=_solicitacao),
    "clients-data-report": api(ENCARREGADO, kwargs=_cliente),
    "clients-block": api(ENCARREGADO, method="post", kwargs=_cliente, data=_MOTIVO),
    "clients-unblock": api(ENCARREGADO, method="post", kwargs=_bloqueado, data=_MOTIVO),
    # A fresh client is at version 1: its ETag is "1".
    "clients-anonymize": api(
        ENCARREGADO, method="post", kwargs=_cliente, data=_MOTIVO, extra={"HTTP_IF_MATCH": '"1"'}
    ),
    "clients-consents": api(ENCARREGADO, kwargs=_cliente),
    "clients-legal-holds": api(ENCARREGADO, kwargs=_cliente),
    "clients-legal-hold-release": api(ENCARREGADO, method="post", kwargs=_retencao),
}
