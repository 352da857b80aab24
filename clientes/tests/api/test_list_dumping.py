"""GET /api/v1/clients/ cannot copy the registry page by page (#13 §1)."""

import pytest
from django.test import override_settings
from rest_framework.settings import api_settings

from audit.choices import Action
from audit.models import AuditEvent
from clientes import services
from clientes.tests.factories import cliente_data, endereco_data, telefone_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/clients/"
ROW_KEYS = {
    "id_cliente", "cpf", "nome_completo", "data_nascimento", "idade", "cidade", "uf", "ativo",
    "sexo", "grafia_semelhante",
}  # fmt: skip


@pytest.fixture
def clientes():
    return [
        services.cliente_create(
            actor=None,
            data=cliente_data(nome_completo=f"Lia Listada {i}", nome_mae="Rosa Mãe"),
            enderecos=[endereco_data()],
            telefones=[telefone_data()],
        )
        for i in range(5)
    ]


@pytest.mark.parametrize("params", [{}, {"page_size": 100}, {"status": "ativo", "sexo": "F"}])
def test_a_list_without_a_narrowing_criterion_is_400(client, analista, clientes, params):
    client.force_login(analista)
    response = client.get(LIST, params)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "criterio_obrigatorio"
    assert "Informe pelo menos um critério" in error["detail"]


def test_the_list_returns_rows_not_profiles_and_audits_the_ids(client, analista, clientes):
    client.force_login(analista)
    response = client.get(LIST, {"nome": "lia listada", "page_size": 3})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3
    for row in results:
        assert set(row) == ROW_KEYS  # no e-mail, phones, addresses or mother's name
        assert row["cpf"].startswith("***.")
    body = response.content.decode()
    assert "maria@example.com" not in body and "Rosa" not in body and "Paulista" not in body
    event = AuditEvent.objects.get(action=Action.CLIENTE_SEARCH)
    assert event.details["ids"] == [row["id_cliente"] for row in results]
    assert event.details["resultados"] == 3


def test_walking_pages_past_the_per_user_limit_is_429(client, analista, gerente, clientes):
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "clients_pages": "3/hour"}
    framework = {**api_settings.user_settings, "DEFAULT_THROTTLE_RATES": rates}
    with override_settings(REST_FRAMEWORK=framework):
        client.force_login(analista)
        params = {"nome": "lia listada", "page_size": 1}
        statuses = [client.get(LIST, {**params, "page": n}).status_code for n in (1, 2, 3, 4)]
        assert statuses == [200, 200, 200, 200]  # first pages are not counted
        refused = client.get(LIST, {**params, "page": 5})
        assert refused.status_code == 429
        assert "Limite de páginas" in refused.json()["errors"][0]["detail"]
        assert int(refused["Retry-After"]) > 0
        # The search API's next pages count against the same limit ...
        search = "/api/v1/clients/search"
        assert client.get(search, {"nome": "lia", "page": 2}).status_code == 429
        # ... but a new search's first page (a lookup) is never refused.
        assert client.get(search, {"nome": "lia"}).status_code == 200
        assert client.get(LIST, params).status_code == 200
        # Per user: someone else still walks.
        client.force_login(gerente)
        assert client.get(LIST, {**params, "page": 2}).status_code == 200
