"""Idempotency-Key on POST /api/v1/clients/ and /api/v1/clients/export, as a
retrying integrator meets it (real PostgreSQL and Redis)."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from clientes import services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, endereco_data, telefone_data
from idempotency.models import IdempotentRequest
from reports.models import ExportJob

LIST = "/api/v1/clients/"
EXPORT = "/api/v1/clients/export?format=csv"


def _body(cpf="111.444.777-35", **overrides):
    data = cliente_data(cpf=cpf, **overrides)
    data["enderecos"] = [endereco_data()]
    data["telefones"] = [telefone_data()]
    return data


def _post(client, body, key, url=LIST):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def api(client, analista):
    client.force_login(analista)
    return client


@pytest.mark.django_db
def test_a_retry_with_the_same_key_replays_the_first_answer_without_a_second_client(api):
    first = _post(api, _body(), "chave-1")
    # Same JSON, other spacing and key order: still the same request.
    body = json.dumps(_body(), indent=2, sort_keys=True)
    again = api.post(
        LIST, body, content_type="application/json", headers={"Idempotency-Key": "chave-1"}
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"] and again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert Cliente.objects.filter(cpf="11144477735").count() == 1


@pytest.mark.django_db
def test_without_a_key_a_repeat_is_a_new_request(api):
    assert _post(api, _body(), None).status_code == 201
    repeat = _post(api, _body(), None)
    assert repeat.status_code == 400  # the CPF is now taken
    assert not repeat.has_header("Idempotent-Replayed")


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_422(api):
    assert _post(api, _body(), "chave-2").status_code == 201
    other = _post(api, _body(cpf="529.982.247-25"), "chave-2")
    assert other.status_code == 422
    error = other.json()["errors"][0]
    assert error["code"] == "idempotency_key_reused"
    assert "outra requisição" in error["detail"]
    assert not Cliente.objects.filter(cpf="52998224725").exists()


@pytest.mark.django_db
def test_a_validation_error_is_replayed_too(api):
    first = _post(api, _body(cpf="111.444.777-36"), "chave-3")
    assert first.status_code == 400
    assert _post(api, _body(cpf="111.444.777-36"), "chave-3").json() == first.json()


@pytest.mark.django_db
def test_keys_belong_to_their_user(client, analista, gerente):
    client.force_login(analista)
    assert _post(client, _body(), "compartilhada").status_code == 201
    other = Client()
    other.force_login(gerente)
    # Another user's key with another body is no reuse: their own client is created.
    response = _post(other, _body(cpf="529.982.247-25"), "compartilhada")
    assert response.status_code == 201
    assert response.json()["cpf"].replace(".", "").replace("-", "") == "52998224725"


@pytest.mark.django_db
def test_after_24_hours_the_key_is_forgotten(api):
    assert _post(api, _body(), "chave-4").status_code == 201
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    response = _post(api, _body(cpf="529.982.247-25"), "chave-4")
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "com espaço", "x" * 256, "acentuação"])
def test_a_malformed_key_is_a_400_in_portuguese(api, key):
    response = _post(api, _body(), key)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "Idempotency-Key" and "caracteres visíveis" in error["detail"]
    assert not Cliente.objects.exists()


@pytest.mark.django_db
def test_an_export_retried_with_its_key_is_generated_once(api, analista):
    services.cliente_create(
        actor=analista, data=cliente_data(), enderecos=[endereco_data()], telefones=[]
    )
    first = _post(api, {"uf": "SP"}, "export-1", url=EXPORT)
    again = _post(api, {"uf": "SP"}, "export-1", url=EXPORT)
    assert first.status_code == again.status_code == 200
    assert first.content == again.content and first.content.startswith(b"\xef\xbb\xbfCPF")
    assert again["Content-Type"].startswith("text/csv")
    assert ExportJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_one_client(analista):
    """Two requests with the same key at the same moment: one client, one answer."""
    barrier = threading.Barrier(2)
    responses = []

    def send():
        client = Client()
        client.force_login(analista)
        barrier.wait()
        try:
            responses.append(_post(client, _body(), "simultanea"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert Cliente.objects.filter(cpf="11144477735").count() == 1
    assert sum(r.has_header("Idempotent-Replayed") for r in responses) == 1
