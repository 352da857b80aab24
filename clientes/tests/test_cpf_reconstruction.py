"""No CPF reconstruction by filtering or sorting without "ver CPF completo" (#13 §1).

The mask shows six digits; a prefix search, or sorting by what the mask hides,
would give the other five back. Table of (params -> answer) over every way in:
the search screen, the search API (pages and cursor), the list API and exports.
"""

import json

import pytest
from django.urls import reverse

from clientes import services
from clientes.tests.factories import cliente_data, endereco_data, telefone_data

pytestmark = pytest.mark.django_db

CPF = "52998224725"
WHOLE = "Informe o CPF completo"
ORDER = "Ordenar por CPF"


@pytest.fixture
def cliente():
    return services.cliente_create(
        actor=None,
        data=cliente_data(cpf=CPF, nome_completo="Maria Reconstrução"),
        enderecos=[endereco_data()],
        telefones=[telefone_data(numero="11998765432")],
    )


def _screen(client, params):
    response = client.get(reverse("clientes:search"), params)
    return response.status_code, response.content.decode()


def _api_page(client, params):
    response = client.get("/api/v1/clients/search", params)
    return response.status_code, response.content.decode()


def _api_cursor(client, params):
    response = client.get("/api/v1/clients/search", {**params, "cursor": ""})
    return response.status_code, response.content.decode()


def _api_list(client, params):
    response = client.get("/api/v1/clients/", params)
    return response.status_code, response.content.decode()


def _export(client, params):
    body = {"exp-format": "csv", "exp-fields": ["nome_completo"], **params}
    response = client.post(reverse("reports:export_create"), body)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content.decode("utf-8-sig")


def _api_export(client, params):
    body = {**params, "fields": ["nome_completo"]}  # the API refuses a null ordering
    response = client.post(
        "/api/v1/clients/export?format=csv", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.content.decode("utf-8", "replace")


CHANNELS = [_screen, _api_page, _api_cursor, _api_list, _export, _api_export]

REFUSED = [
    ({"cpf": "529982"}, WHOLE),
    ({"cpf": "529.982.247"}, WHOLE),
    ({"cpf": "5299822472"}, WHOLE),
    ({"q": "529.982"}, WHOLE),
    ({"q": "529.982.247-2"}, WHOLE),
    ({"q": "5299822"}, WHOLE),  # too short for a phone: a CPF's beginning
    ({"q": "Maria", "ordering": "cpf"}, ORDER),
    ({"q": "Maria", "ordering": "-cpf"}, ORDER),
]


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(("params", "message"), REFUSED)
def test_analista_partial_cpf_and_cpf_order_are_400(
    client, analista, cliente, channel, params, message
):
    client.force_login(analista)
    status, body = channel(client, params)
    assert status == 400, body[:300]
    assert message in body


@pytest.mark.parametrize("channel", [_screen, _api_page, _api_cursor, _api_list])
@pytest.mark.parametrize("params", [{"cpf": "529.982.247-25"}, {"q": CPF}, {"q": "529.982.247-25"}])
def test_analista_finds_a_whole_cpf(client, analista, cliente, channel, params):
    client.force_login(analista)
    status, body = channel(client, params)
    assert status in (200, 302)
    if status == 200:
        assert "Maria Reconstrução" in body or "Maria Reconstru\\u00e7\\u00e3o" in body


@pytest.mark.parametrize("channel", [_screen, _api_page, _api_list])
def test_analista_eight_digits_find_phones_not_a_cpf_prefix(client, analista, cliente, channel):
    client.force_login(analista)
    _status, by_phone = channel(client, {"q": "98765432"})  # the end of the phone
    assert "Maria Reconstru" in by_phone
    status, by_cpf_prefix = channel(client, {"q": CPF[:8]})
    assert status == 200 and "Maria Reconstru" not in by_cpf_prefix


def test_the_screen_offers_no_cpf_sort_to_analista(client, analista, gerente, cliente):
    client.force_login(analista)
    html = _screen(client, {"q": "Maria"})[1]
    assert "ordering=cpf" not in html, html[html.index("ordering=cpf") - 300 :][:400]
    assert '<option value="cpf"' not in html
    assert '<option value="cpf"' not in client.get(reverse("reports:index")).content.decode()
    client.force_login(gerente)
    html = _screen(client, {"q": "Maria"})[1]
    assert "ordering=cpf" in html and '<option value="cpf"' in html


@pytest.mark.parametrize("channel", [_screen, _api_page, _api_cursor, _api_list, _export])
@pytest.mark.parametrize("params", [{"cpf": "529982"}, {"q": "529.982"}, {"q": CPF[:8]}])
def test_gerente_keeps_prefix_search(client, gerente, cliente, channel, params):
    client.force_login(gerente)
    status, body = channel(client, params)
    assert status == 200, body[:300]
    assert "Maria Reconstru" in body


@pytest.mark.parametrize("channel", [_screen, _api_page, _api_cursor, _api_list, _export])
def test_gerente_sorts_by_cpf(client, gerente, cliente, channel):
    client.force_login(gerente)
    status, body = channel(client, {"q": "Maria", "ordering": "-cpf"})
    assert status == 200, body[:300]


def test_a_cached_gerente_prefix_page_is_not_served_to_analista(client, analista, gerente, cliente):
    client.force_login(gerente)
    assert "Maria Reconstru" in _api_page(client, {"q": CPF[:8]})[1]
    client.force_login(analista)
    assert "Maria Reconstru" not in _api_page(client, {"q": CPF[:8]})[1]
