"""Blocking: the client disappears for Analista and Gerente everywhere, not for the Encarregado."""

import pytest
from django.urls import reverse

from clientes.models import Cliente
from lgpd.models import Bloqueio
from lgpd.tests.conftest import make_cliente
from reports.services import export_request

pytestmark = pytest.mark.django_db

NOME = "Teodolinda Quaresma Vasconcelos"


def _block(client, cliente, motivo="Pedido de bloqueio do titular"):
    return client.post(
        reverse("clients-block", args=[cliente.pk]),
        {"motivo": motivo},
        content_type="application/json",
    )


def _search_ids(client, **params):
    response = client.get(reverse("clients-list"), params)
    assert response.status_code == 200
    return [row["id_cliente"] for row in response.json()["results"]]


# Committed for real: the cache fills and invalidates only after commits.
@pytest.mark.django_db(transaction=True)
def test_block_hides_the_client_from_analyst_searches_profile_and_api(
    client, analista, encarregado
):
    cliente = make_cliente(nome_completo=NOME)
    client.force_login(analista)
    # Searched once before the block: the cached search page must not survive it.
    page = client.get(reverse("clientes:search"), {"q": "Teodolinda"})
    assert NOME in page.content.decode()
    assert _search_ids(client, nome="Teodolinda") == [cliente.pk]

    client.force_login(encarregado)
    response = _block(client, cliente)
    assert response.status_code == 200
    assert response.json()["bloqueado"] is True
    assert Bloqueio.objects.get(cliente=cliente).motivo == "Pedido de bloqueio do titular"

    client.force_login(analista)
    page = client.get(reverse("clientes:search"), {"q": "Teodolinda"})
    assert NOME not in page.content.decode()
    assert _search_ids(client, nome="Teodolinda") == []
    assert _search_ids(client, cpf=cliente.cpf) == []
    search_api = client.get(reverse("clients-search"), {"q": cliente.cpf})
    assert search_api.status_code == 200
    assert cliente.cpf not in search_api.content.decode()

    profile = client.get(reverse("clientes:detail", args=[cliente.pk]))
    assert profile.status_code == 451
    body = profile.content.decode()
    assert "bloqueado por determinação legal" in body
    assert "Teodolinda" not in body and cliente.cpf[3:9] not in body

    api = client.get(reverse("clients-detail", args=[cliente.pk]))
    assert api.status_code == 451
    assert api.json()["errors"][0]["code"] == "cliente_bloqueado"
    assert "Teodolinda" not in api.content.decode()

    # Editing and deactivating pass through the same profile read.
    assert client.get(reverse("clientes:update", args=[cliente.pk])).status_code == 451


def test_gerente_cannot_export_a_blocked_client(client, gerente, encarregado):
    cliente = make_cliente(nome_completo=NOME)
    client.force_login(encarregado)
    _block(client, cliente)
    request = export_request(user=gerente, params={"nome": "Teodolinda"}, fmt="csv")
    assert request.job.row_count == 0
    request = export_request(user=encarregado, params={"nome": "Teodolinda"}, fmt="csv")
    assert request.job.row_count == 1


def test_the_encarregado_still_finds_and_opens_a_blocked_client(encarregado_client):
    cliente = make_cliente(nome_completo=NOME)
    _block(encarregado_client, cliente)
    assert _search_ids(encarregado_client, nome="Teodolinda") == [cliente.pk]
    profile = encarregado_client.get(reverse("clientes:detail", args=[cliente.pk]))
    assert profile.status_code == 200
    assert NOME in profile.content.decode()


def test_unblock_brings_the_client_back(client, analista, encarregado):
    cliente = make_cliente(nome_completo=NOME)
    client.force_login(encarregado)
    _block(client, cliente)
    response = client.post(
        reverse("clients-unblock", args=[cliente.pk]),
        {"motivo": "Bloqueio revisto"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Bloqueio.objects.get(cliente=cliente).desbloqueado_em is not None
    client.force_login(analista)
    assert _search_ids(client, nome="Teodolinda") == [cliente.pk]
    assert client.get(reverse("clientes:detail", args=[cliente.pk])).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [({}, "motivo"), ({"motivo": "   "}, "motivo"), ({"motivo": "x" * 501}, "motivo"),
     ({"motivo": "ok", "extra": 1}, "non_field_errors"), ([], "non_field_errors")],
)  # fmt: skip
def test_hostile_block_input_is_a_400_and_changes_nothing(encarregado_client, body, field):
    cliente = make_cliente()
    response = encarregado_client.post(
        reverse("clients-block", args=[cliente.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == field
    assert not Cliente.objects.get(pk=cliente.pk).bloqueado
    assert not Bloqueio.objects.exists()


def test_blocking_twice_is_refused(encarregado_client):
    cliente = make_cliente()
    _block(encarregado_client, cliente)
    response = _block(encarregado_client, cliente)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "cliente_bloqueado"
    assert Bloqueio.objects.count() == 1


def test_block_of_a_missing_client_is_404(encarregado_client):
    response = encarregado_client.post(
        reverse("clients-block", args=[999999]), {"motivo": "x"}, content_type="application/json"
    )
    assert response.status_code == 404
