"""The client's LGPD page: every action through the screen, with bad input refused."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clientes.models import Cliente
from lgpd.models import Consentimento, RetencaoLegal
from lgpd.tests.conftest import make_cliente

pytestmark = pytest.mark.django_db


def _post(client, cliente, acao, **data):
    fields = {f"{acao}-{k}": v for k, v in data.items()}
    return client.post(reverse("lgpd:cliente", args=[cliente.pk]), {"acao": acao, **fields})


def test_block_hold_consent_and_anonymise_from_the_page(encarregado_client):
    cliente = make_cliente(nome_completo="Pagina Lgpd")
    page = encarregado_client.get(reverse("lgpd:cliente", args=[cliente.pk]))
    assert page.status_code == 200 and "Pagina Lgpd" in page.content.decode()

    assert _post(encarregado_client, cliente, "bloquear", motivo="Pedido").status_code == 302
    assert Cliente.objects.get(pk=cliente.pk).bloqueado
    assert _post(encarregado_client, cliente, "desbloquear", motivo="Ok").status_code == 302
    assert not Cliente.objects.get(pk=cliente.pk).bloqueado

    response = _post(
        encarregado_client, cliente, "consentir",
        finalidade="marketing", concedido="1", canal="site", evidencia="",
    )  # fmt: skip
    assert response.status_code == 302
    assert Consentimento.objects.get().concedido

    ate = (timezone.localdate() + timedelta(days=10)).isoformat()
    assert _post(encarregado_client, cliente, "reter", motivo="Fiscal", ate=ate).status_code == 302
    versao = Cliente.objects.get(pk=cliente.pk).versao
    refused = _post(
        encarregado_client, cliente, "anonimizar", motivo="Pedido", versao=versao, confirmar="on"
    )
    assert refused.status_code == 400
    assert "retenção legal" in refused.content.decode()
    hold = RetencaoLegal.objects.get()
    released = encarregado_client.post(
        reverse("lgpd:cliente", args=[cliente.pk]),
        {"acao": "encerrar_retencao", "retencao": hold.pk},
    )
    assert released.status_code == 302
    stale = _post(
        encarregado_client, cliente, "anonimizar", motivo="Pedido", versao=versao - 1,
        confirmar="on",
    )  # fmt: skip
    assert stale.status_code == 409
    done = _post(
        encarregado_client, cliente, "anonimizar", motivo="Pedido", versao=versao, confirmar="on"
    )
    assert done.status_code == 302
    assert Cliente.objects.get(pk=cliente.pk).anonimizado


@pytest.mark.parametrize(
    "acao, data",
    [("bloquear", {"motivo": ""}), ("reter", {"motivo": "x", "ate": "2000-01-01"}),
     ("reter", {"motivo": "x", "ate": "amanhã"}), ("consentir", {"finalidade": "outra"}),
     ("anonimizar", {"motivo": "x", "versao": "1"})],
)  # fmt: skip
def test_bad_input_is_400_and_changes_nothing(encarregado_client, acao, data):
    cliente = make_cliente()
    response = _post(encarregado_client, cliente, acao, **data)
    assert response.status_code == 400
    row = Cliente.objects.get(pk=cliente.pk)
    assert (row.bloqueado, row.anonimizado, row.versao) == (False, False, 1)
    assert not RetencaoLegal.objects.exists() and not Consentimento.objects.exists()


def test_unknown_action_or_hold_is_handled(encarregado_client):
    cliente = make_cliente()
    url = reverse("lgpd:cliente", args=[cliente.pk])
    assert encarregado_client.post(url, {"acao": "apagar_tudo"}).status_code == 302
    response = encarregado_client.post(url, {"acao": "encerrar_retencao", "retencao": "x"})
    assert response.status_code == 404
    assert encarregado_client.get(reverse("lgpd:cliente", args=[99999])).status_code == 404
