"""GET /api/v1/clients/duplicates/ and POST /api/v1/clients/{id}/merge/ (If-Match for both)."""

import json
from datetime import date

import pytest

from clientes import services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, telefone_data
from common.br import format_cpf
from duplicates.services import duplicates_refresh
from duplicates.tests.helpers import make

pytestmark = pytest.mark.django_db

LIST = "/api/v1/clients/duplicates/"


def merge_url(pk):
    return f"/api/v1/clients/{pk}/merge/"


@pytest.fixture
def pair():
    a = make(nome="Paulo Roberto Nunes", email="paulo@ex.com.br")
    b = make(nome="Paulo Roberto Nunes", email="", telefones=["21988887777"])
    duplicates_refresh()
    return a, b


def _merge(client, a, b, body=None, if_match=None, **headers):
    if if_match is None:
        if_match = f'"{a.versao}", "{b.versao}"'
    if if_match:
        headers["If-Match"] = if_match
    body = {"from": b.pk, "fields": {}} if body is None else body
    return client.post(
        merge_url(a.pk), json.dumps(body), content_type="application/json", headers=headers
    )


def _codes(response):
    return {(e["attr"], e["code"]) for e in response.json()["errors"]}


@pytest.mark.parametrize(
    ("role", "list_status", "merge_status"),
    [("analista", 403, 403), ("encarregado", 403, 403), ("gerente", 200, 200),
     ("administrador", 200, 200)],
)  # fmt: skip
def test_only_gerente_and_administrador_list_and_merge(
    request, client, pair, role, list_status, merge_status
):
    client.force_login(request.getfixturevalue(role))
    assert client.get(LIST).status_code == list_status
    assert _merge(client, *pair).status_code == merge_status


def test_list_is_paginated_with_scores_reasons_and_masked_cpfs(client, gerente, pair):
    a, b = pair
    client.force_login(gerente)
    body = client.get(LIST).json()
    [row] = body["results"]
    assert body["next"] is None
    assert row["score"] == 60
    assert row["motivos"] == [
        {"code": "nome_nascimento", "label": "Mesmo nome e data de nascimento"}
    ]
    assert row["cliente_a"]["id_cliente"] == a.pk and row["cliente_b"]["id_cliente"] == b.pk
    assert row["cliente_a"]["cpf"].startswith("***.")
    assert client.get(LIST, {"page_size": "x"}).status_code == 400


def test_merge_with_both_etags_answers_the_survivor(client, gerente, pair):
    a, b = pair
    client.force_login(gerente)
    response = _merge(client, a, b, {"from": b.pk, "fields": {"email": a.pk}})
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{a.versao + 1}"'
    body = response.json()
    assert body["id_cliente"] == a.pk and body["email"] == "paulo@ex.com.br"
    assert [t["numero"] for t in body["telefones"]] == ["21988887777"]
    # The tombstone's id: 404 naming the survivor, on every method.
    gone = client.get(f"/api/v1/clients/{b.pk}/")
    assert gone.status_code == 404
    assert f"unificado ao cliente nº {a.pk}" in gone.json()["errors"][0]["detail"]
    assert client.get(LIST).json()["results"] == []


def test_stale_or_missing_etags(client, gerente, pair):
    a, b = pair
    client.force_login(gerente)
    assert _merge(client, a, b, if_match="").status_code == 428
    assert _merge(client, a, b, if_match=f'"{a.versao}"').status_code == 412
    stale = _merge(client, a, b, if_match=f'"{a.versao}", "{b.versao + 5}"')
    assert stale.status_code == 412
    assert f"Cliente nº {b.pk}" in stale.json()["errors"][0]["detail"]
    assert Cliente.objects.get(pk=b.pk).merged_into_id is None


def test_bad_bodies_are_400_in_portuguese(client, gerente, pair):
    a, b = pair
    client.force_login(gerente)
    assert ("fields.cpf", "cpf_do_incorporado") in _codes(
        _merge(client, a, b, {"from": b.pk, "fields": {"cpf": b.pk}})
    )
    assert ("non_field_errors", "mesmo_cliente") in _codes(
        _merge(client, a, a, {"from": a.pk}, if_match=f'"{a.versao}", "{a.versao}"')
    )
    assert _merge(client, a, b, {"from": "x"}).status_code == 400
    assert ("fields.non_field_errors", "campo_desconhecido") in _codes(
        _merge(client, a, b, {"from": b.pk, "fields": {"ativo": b.pk}})
    )
    assert _merge(client, a, b, {"from": 2**63}).status_code == 400
    missing = _merge(client, a, b, {"from": b.pk + 1000})
    assert missing.status_code == 404


def test_blocked_client_is_refused_with_a_reason(client, gerente, administrador, pair):
    a, b = pair
    Cliente.objects.filter(pk=b.pk).update(bloqueado=True)
    client.force_login(gerente)
    # A Gerente may not see blocked clients at all: the pair is not listed either.
    assert _merge(client, a, b).status_code == 451  # as its profile answers
    assert client.get(LIST).json()["results"] == []
    client.force_login(administrador)  # sees blocked records, still may not merge them
    response = _merge(client, a, b)
    assert response.status_code == 400
    assert ("non_field_errors", "cliente_bloqueado") in _codes(response)
    assert "bloqueado (LGPD)" in response.json()["errors"][0]["detail"]
    assert Cliente.objects.get(pk=b.pk).merged_into_id is None


def test_idempotency_key_replays_the_first_answer(client, gerente, pair):
    a, b = pair
    client.force_login(gerente)
    first = _merge(client, a, b, **{"Idempotency-Key": "merge-1"})
    again = _merge(client, a, b, **{"Idempotency-Key": "merge-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()


def test_create_answer_warns_of_probable_duplicates_without_blocking(client, analista):
    existing = make(nome="Maria da Conceição Souza", nascimento=date(1980, 5, 17))
    client.force_login(analista)
    body = cliente_data()
    body["telefones"] = [telefone_data()]
    response = client.post("/api/v1/clients/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    [warning] = response.json()["possiveis_duplicados"]
    assert warning["id_cliente"] == existing.pk
    assert warning["cpf"].startswith("***.")  # an Analista sees masked CPFs
    assert warning["motivos"][0]["code"] == "nome_nascimento"


def test_update_answer_warns_too(client, gerente):
    existing = make(nome="Paulo Roberto Nunes", nascimento=date(1975, 4, 4))
    mine = services.cliente_create(actor=gerente, data=cliente_data())
    client.force_login(gerente)
    response = client.patch(
        f"/api/v1/clients/{mine.pk}/",
        json.dumps({"nome_completo": "Paulo Roberto Nunes", "data_nascimento": "1975-04-04"}),
        content_type="application/json",
        headers={"If-Match": f'"{mine.versao}"'},
    )
    assert response.status_code == 200
    [warning] = response.json()["possiveis_duplicados"]
    assert warning["id_cliente"] == existing.pk
    assert warning["cpf"] == format_cpf(existing.cpf)  # a Gerente sees the full CPF
