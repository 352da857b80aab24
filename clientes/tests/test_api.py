import json

import pytest
from django.db import connection

from clientes import services
from clientes.models import Cliente
from clientes.tests.factories import cliente_data, endereco_data, telefone_data

pytestmark = pytest.mark.django_db

LIST = "/api/v1/clients/"


def detail(pk):
    return f"/api/v1/clients/{pk}/"


@pytest.fixture
def api(client, analista):
    client.force_login(analista)
    return client


@pytest.fixture
def cliente(analista):
    return services.cliente_create(
        actor=analista,
        data=cliente_data(cpf="52998224725"),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )


def _payload(**overrides):
    data = cliente_data(cpf="111.444.777-35")
    data["enderecos"] = [endereco_data()]
    data["telefones"] = [telefone_data()]
    data.update(overrides)
    return data


def _post(api, body, **headers):
    return api.post(LIST, json.dumps(body), content_type="application/json", headers=headers)


def _send(api, method, url, body, etag=None):
    headers = {"If-Match": etag} if etag else {}
    return getattr(api, method)(
        url, json.dumps(body), content_type="application/json", headers=headers
    )


def _errors(response):
    body = response.json()
    return {(e["attr"], e["code"]) for e in body["errors"]}


def _table_count():
    with connection.cursor() as cursor:
        cursor.execute("select count(*) from clientes")
        return cursor.fetchone()[0]


def test_create_returns_the_client_with_formatted_fields_and_etag(api, analista):
    response = _post(api, _payload())
    assert response.status_code == 201, response.content
    body = response.json()
    # An Analista has no "ver CPF completo": masked (clientes.masking).
    assert body["cpf"] == body["cpf_formatado"] == "***.444.777-**"
    assert body["enderecos"][0]["cep"] == "01310100"
    assert body["enderecos"][0]["cep_formatado"] == "01310-100"
    assert body["telefones"][0]["numero_formatado"] == "(11) 99876-5432"
    assert body["versao"] == 1 and body["created_by"] == "Analista"
    assert response["ETag"] == '"1"'
    assert response["Location"] == detail(body["id_cliente"])


def test_get_returns_profile_and_etag(api, cliente):
    response = api.get(detail(cliente.pk))
    assert response.status_code == 200
    assert response.json()["id_cliente"] == cliente.pk
    assert response["ETag"] == '"1"'


def test_list_is_paginated_and_filtered_by_the_search_filterset(api, cliente):
    services.cliente_create(actor=None, data=cliente_data(nome_completo="Pedro Alves"))
    response = api.get(LIST, {"nome": "pedro"})
    body = response.json()
    assert response.status_code == 200
    assert [c["nome_completo"] for c in body["results"]] == ["Pedro Alves"]
    assert body["next"] is None and body["previous"] is None

    everyone = {"criado_de": "2000-01-01"}  # a list needs a narrowing criterion
    first = api.get(LIST, {**everyone, "page_size": 1, "ordering": "id_cliente"}).json()
    assert [c["id_cliente"] for c in first["results"]] == [cliente.pk]
    assert "page=2" in first["next"]
    second = api.get(first["next"]).json()
    assert second["next"] is None and second["previous"] is not None
    assert second["results"][0]["nome_completo"] == "Pedro Alves"
    assert api.get(LIST, {**everyone, "page": 3, "page_size": 1}).status_code == 404
    # Not a page number at all: the schema says so, the answer is a 400.
    assert api.get(LIST, {**everyone, "page": "x"}).status_code == 400
    assert api.get(LIST, {**everyone, "page_size": ""}).status_code == 400


def test_list_with_invalid_filter_is_400(api):
    response = api.get(LIST, {"uf": "XX"})
    assert response.status_code == 400
    assert {attr for attr, _code in _errors(response)} == {"uf"}


# Bad input -> (status, attr, code); the database must stay as it was.
BAD_INPUT = [
    ({"cpf": "111.444.777-36"}, 400, "cpf", "cpf_invalid"),
    ({"cpf": "52998224725"}, 400, "cpf", "cpf_duplicado"),
    ({"cpf": 11144477735}, 400, "cpf", "invalid"),
    ({"data_nascimento": "2999-01-01"}, 400, "data_nascimento", "data_nascimento_futura"),
    ({"data_nascimento": "1850-01-01"}, 400, "data_nascimento", "data_nascimento_antiga"),
    ({"data_nascimento": "31/12/1990"}, 400, "data_nascimento", "invalid"),
    ({"nome_completo": "A" * 300}, 400, "nome_completo", "max_length"),
    ({"nome_completo": ["lista"]}, 400, "nome_completo", "invalid"),
    ({"nome_mae": "nul\x00byte"}, 400, "nome_mae", "null_characters_not_allowed"),
    ({"email": "sem-arroba"}, 400, "email", "invalid"),
    ({"sexo": "Z"}, 400, "sexo", "invalid_choice"),
    ({"ativo": False}, 400, "non_field_errors", "campo_desconhecido"),
    ({"apelido": "x"}, 400, "non_field_errors", "campo_desconhecido"),
    ({"enderecos": [endereco_data(uf="ZZ")]}, 400, "enderecos.0.uf", "invalid_choice"),
    ({"enderecos": [endereco_data(cep="123")]}, 400, "enderecos.0.cep", "cep_invalid"),
    ({"enderecos": [endereco_data(bairro={"a": 1})]}, 400, "enderecos.0.bairro", "invalid"),
    ({"enderecos": [endereco_data(cep=1310100)]}, 400, "enderecos.0.cep", "invalid"),
    ({"telefones": [telefone_data(numero=11998765432)]}, 400, "telefones.0.numero", "invalid"),
    ({"enderecos": "rua"}, 400, "enderecos.non_field_errors", "not_a_list"),
    ({"telefones": [telefone_data(numero="(00) 99999-9999")]}, 400, "telefones.0.numero",
     "phone_ddd"),
    ({"telefones": [telefone_data(), telefone_data(numero="11988887777")]}, 400, "telefones",
     "principal_multiplo"),
    ({"telefones": [{**telefone_data(), "x": 1}]}, 400, "telefones.0.non_field_errors",
     "campo_desconhecido"),
]  # fmt: skip


@pytest.mark.parametrize(("overrides", "status", "attr", "code"), BAD_INPUT)
def test_create_refuses_bad_input_with_one_error_format(
    api, cliente, overrides, status, attr, code
):
    before = _table_count()
    response = _post(api, _payload(**overrides))
    assert response.status_code == status, response.content
    body = response.json()
    assert body["type"] == "validation_error"
    assert (attr, code) in _errors(response), body
    assert all(e["detail"] for e in body["errors"])
    assert _table_count() == before


def test_errors_are_in_portuguese(api):
    response = _post(api, _payload(cpf="123"))
    assert response.json()["errors"][0]["detail"].startswith("CPF deve ter 11 dígitos")
    response = _post(api, {"cpf": "52998224725"})
    assert "Este campo é obrigatório." in {e["detail"] for e in response.json()["errors"]}


def test_non_utf8_and_malformed_json_are_400(api):
    response = api.post(LIST, b'{"nome_completo": "\xff\xfe"}', content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "parse_error"
    response = api.post(LIST, b"[1, 2", content_type="application/json")
    assert response.status_code == 400
    response = api.post(LIST, b"[]", content_type="application/json")
    assert response.status_code == 400
    assert not Cliente.objects.exists()


def test_wrong_content_type_is_415(api):
    response = api.post(LIST, "cpf=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_hostile_text_is_stored_as_typed(api):
    hostile = "<script>alert(1)</script>'; DROP TABLE clientes;--"
    response = _post(api, _payload(nome_completo=hostile))
    assert response.status_code == 201
    assert Cliente.objects.get().nome_completo == hostile


def test_patch_with_etag_changes_only_given_fields(api, cliente):
    response = _send(api, "patch", detail(cliente.pk), {"nome_social": "Mari"}, etag='"1"')
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    cliente.refresh_from_db()
    assert (cliente.nome_social, cliente.nome_completo) == ("Mari", "Maria da Conceição Souza")
    assert cliente.enderecos.count() == 1


def test_put_replaces_the_client(api, cliente):
    # An Analista sends no CPF (who sees it masked cannot change it: it stays).
    body = {"nome_completo": "Maria Souza"}
    response = _send(api, "put", detail(cliente.pk), body, etag='"1"')
    assert response.status_code == 200, response.content
    cliente.refresh_from_db()
    assert (cliente.nome_completo, cliente.email, cliente.sexo) == ("Maria Souza", "", "")
    assert not cliente.enderecos.exists() and not cliente.telefones.exists()


def test_write_without_if_match_is_428(api, cliente):
    response = _send(api, "patch", detail(cliente.pk), {"nome_social": "X"})
    assert response.status_code == 428
    assert response.json()["errors"][0]["code"] == "if_match_obrigatorio"


def test_lost_update_is_refused_with_412_naming_who_changed_it(client, analista, gerente, cliente):
    client.force_login(gerente)
    assert (
        _send(client, "patch", detail(cliente.pk), {"nome_social": "G"}, '"1"').status_code == 200
    )
    client.force_login(analista)
    response = _send(client, "patch", detail(cliente.pk), {"nome_social": "A"}, etag='"1"')
    assert response.status_code == 412
    error = response.json()["errors"][0]
    assert error["code"] == "cliente_alterado"
    assert "alterado por Gerente às" in error["detail"] and '"2"' in error["detail"]
    cliente.refresh_from_db()
    assert cliente.nome_social == "G"


def test_garbage_if_match_is_412(api, cliente):
    response = _send(api, "patch", detail(cliente.pk), {"nome_social": "X"}, etag="*")
    assert response.status_code == 412


def test_patch_on_a_deleted_client_is_404(api, cliente):
    services.cliente_delete(actor=None, id_cliente=cliente.pk)
    response = _send(api, "patch", detail(cliente.pk), {"nome_social": "X"}, etag='"1"')
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert api.get(detail(10**30)).status_code == 404


def test_deactivate_and_reactivate(api, cliente):
    url = detail(cliente.pk)
    missing = _send(api, "post", url + "deactivate/", {})
    assert missing.status_code == 400
    response = _send(api, "post", url + "deactivate/", {"motivo_inativacao": "Óbito"})
    assert response.status_code == 200 and response.json()["ativo"] is False
    assert response["ETag"] == '"2"'
    again = _send(api, "post", url + "deactivate/", {"motivo_inativacao": "x"})
    assert again.status_code == 400 and _errors(again) == {("non_field_errors", "cliente_inativo")}
    stale = _send(api, "post", url + "reactivate/", {}, etag='"1"')
    assert stale.status_code == 412
    response = _send(api, "post", url + "reactivate/", {}, etag='"2"')
    assert response.status_code == 200 and response.json()["ativo"] is True


def test_delete_is_for_administrators_with_if_match(client, analista, administrador, cliente):
    client.force_login(analista)
    assert _send(client, "delete", detail(cliente.pk), None, '"1"').status_code == 403
    client.force_login(administrador)
    assert _send(client, "delete", detail(cliente.pk), None).status_code == 428
    assert _send(client, "delete", detail(cliente.pk), None, '"1"').status_code == 204
    assert not Cliente.objects.exists()


# Role x (method, route) -> status.
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("analista", [200, 200, 201, 200, 403]),
        ("gerente", [200, 200, 201, 200, 403]),
        ("administrador", [200, 200, 201, 200, 204]),
    ],
)
def test_permissions_per_role(client, request, cliente, role, expected):
    client.force_login(request.getfixturevalue(role))
    statuses = [
        client.get(LIST, {"nome": "maria"}).status_code,
        client.get(detail(cliente.pk)).status_code,
        _post(client, _payload()).status_code,
        _send(client, "patch", detail(cliente.pk), {"nome_social": "x"}, '"1"').status_code,
        _send(client, "delete", detail(cliente.pk), None, '"2"').status_code,
    ]
    assert statuses == expected


def test_anonymous_and_roleless_users_are_refused(client, django_user_model, cliente):
    anonymous = [client.get(LIST), _post(client, _payload()), client.get(detail(cliente.pk))]
    assert {r.status_code for r in anonymous} == {401}
    assert anonymous[0]["WWW-Authenticate"].startswith("Bearer")
    assert {r.json()["errors"][0]["code"] for r in anonymous} == {"not_authenticated"}
    user = django_user_model.objects.create_user(email="semrole@teste.com.br", password="x")
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert _post(client, _payload()).status_code == 403
    assert Cliente.objects.count() == 1


def test_unknown_api_url_is_a_json_404(api):
    response = api.get("/api/v1/clients/-5/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
    assert b"<html" in api.get("/clientes/nao-existe/").content


def test_the_readme_flow_with_a_jwt(client, analista):
    """As in the README: get a token, create a client, read its ETag, patch it."""
    from conftest import TEST_PASSWORD

    token = client.post(
        "/api/v1/auth/token/",
        {"email": analista.email, "password": TEST_PASSWORD},
        content_type="application/json",
    ).json()["access"]
    auth = {"Authorization": f"Bearer {token}"}
    body = {
        "cpf": "111.444.777-35", "nome_completo": "Maria da Silva",
        "data_nascimento": "1985-04-12", "email": "maria@example.com",
        "telefones": [{"tipo": "celular", "numero": "(11) 99876-5432"}],
        "enderecos": [{"cep": "01310-100", "logradouro": "Avenida Paulista", "numero": "1000",
                       "cidade": "São Paulo", "uf": "SP"}],
    }  # fmt: skip
    created = client.post(LIST, body, content_type="application/json", headers=auth)
    assert created.status_code == 201, created.content
    found = client.get(LIST, {"cpf": "11144477735"}, headers=auth).json()["results"]
    pk = found[0]["id_cliente"]
    etag = client.get(detail(pk), headers=auth)["ETag"]
    patched = client.patch(
        detail(pk), {"nome_social": "Mari"}, content_type="application/json",
        headers={**auth, "If-Match": etag},
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["nome_social"] == "Mari"
    assert patched.json()["enderecos"][0]["principal"] is True


@pytest.mark.parametrize("header", ["Bearer", "Bearer abc.def.ghi", "Bearer a b"])
def test_a_bad_token_is_one_401_error_in_portuguese(client, header):
    response = client.get(LIST, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {
                "code": "authentication_failed",
                "detail": "Token de acesso inválido ou expirado.",
                "attr": None,
            }
        ],
    }
