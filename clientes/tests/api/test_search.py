"""GET /api/v1/clients/search: same search as the screen, JSON, two ways to page."""

import pytest
from django.urls import reverse

from clientes.tests.search_fixtures import make_cliente, make_cpf, search_clients

URL = reverse("clients-search")


@pytest.fixture
def clientes(db):
    return search_clients()


def test_anonymous_gets_401(client, db):
    assert client.get(URL, {"q": "maria"}).status_code == 401


def test_users_without_the_permission_get_403(client, django_user_model):
    user = django_user_model.objects.create_user(email="x@teste.com.br", password="x" * 12)
    client.force_login(user)
    assert client.get(URL, {"q": "maria"}).status_code == 403


def test_search_returns_results_count_facets_and_links(analista_client, clientes):
    data = analista_client.get(URL, {"q": "maria", "size": 10, "ordering": "-nome_completo"}).json()
    assert (data["count"], data["count_exact"], data["page"], data["size"]) == (2, True, 1, 10)
    assert [r["nome_completo"] for r in data["results"]] == ["Maria Silva", "Maria Conceição"]
    assert data["results"][0]["cpf"].startswith("***.") and data["results"][0]["idade"] == 33
    assert {f["name"] for f in data["facets"]} == {"status", "uf", "sexo", "idade"}
    assert data["next"] is None and data["previous"] is None


def test_requirement_parameter_names_work(analista_client, clientes):
    data = analista_client.get(
        URL, {"cpf": "529.982.247-25", "nome": "joao", "cidade": "sao paulo", "page": 1}
    ).json()
    assert [r["nome_completo"] for r in data["results"]] == ["João da Silva Santos"]


def test_search_results_mask_the_cpf_even_for_a_manager(client, gerente, clientes):
    client.force_login(gerente)
    # Lists never show the full CPF (clientes.masking); the profile does, per role.
    assert client.get(URL, {"q": "joao"}).json()["results"][0]["cpf"] == "***.982.247-**"


@pytest.mark.parametrize(
    "params",
    [
        {"page": 0},
        {"size": 1000},
        {"ordering": "password"},
        {"nome": "x" * 10_000},
        {"idade_min": 60, "idade_max": 30},
        {"q": "maria", "cursor": "forged"},
        {"nome": "a\x00b"},
    ],
)
def test_bad_input_is_a_400_with_a_message(analista_client, clientes, params):
    response = analista_client.get(URL, params)
    assert response.status_code == 400
    assert all(response.json().values())


@pytest.fixture
def namesakes(db):
    return [make_cliente(make_cpf(f"{300000000 + i}"), "Ana Teste", 30) for i in range(23)]


def test_page_links_walk_the_result(analista_client, namesakes):
    seen, url, params = [], URL, {"q": "ana teste", "size": 10}
    while url:
        data = analista_client.get(url, params).json()
        seen += [r["id_cliente"] for r in data["results"]]
        url, params = data["next"], None
    assert sorted(seen) == sorted(c.id_cliente for c in namesakes)


def test_cursor_walks_every_client_once(analista_client, namesakes):
    seen, url, params = [], URL, {"q": "ana", "cursor": "", "size": 10}
    while url:
        data = analista_client.get(url, params).json()
        seen += [r["id_cliente"] for r in data["results"]]
        url, params = data["next"], None
    assert seen == sorted(c.id_cliente for c in namesakes)


def test_cursor_of_another_ordering_is_refused(analista_client, namesakes):
    first = analista_client.get(URL, {"q": "ana", "cursor": "", "size": 10}).json()
    cursor = first["next"].split("cursor=")[1].split("&")[0]
    response = analista_client.get(URL, {"q": "ana", "cursor": cursor, "ordering": "-idade"})
    assert response.status_code == 400
    assert "outra ordenação" in response.content.decode()


def test_schema_documents_the_endpoint(analista_client, db):
    schema = analista_client.get(reverse("api-schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/clients/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "cpf", "nome", "cidade", "uf", "idade_min", "idade_max", "status"} <= names
    assert {"sexo", "email", "telefone", "cep", "criado_de", "criado_ate", "ordering"} <= names
    assert {"page", "size", "cursor"} <= names
