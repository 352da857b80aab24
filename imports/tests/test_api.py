"""The import API as an integrator uses it: upload, follow, errors CSV, cancel, undo."""

import csv
import io
import json

import pytest

from clientes.models import Cliente
from conftest import TEST_PASSWORD
from imports.models import ImportJob
from imports.tests.conftest import csv_bytes, person, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/api/v1/clients/imports/"


@pytest.fixture
def api(client, gerente):
    client.force_login(gerente)
    return client


def post(client, data: bytes, name="clientes.csv", headers=None, **fields):
    body = {"file": upload(data, name), **fields}
    return client.post(URL, body, headers=headers or {})


def test_dry_run_then_apply_with_a_jwt_token(client, gerente):
    token = client.post(
        "/api/v1/auth/token/",
        {"email": gerente.email, "password": TEST_PASSWORD},
        content_type="application/json",
    ).json()["access"]
    auth = {"Authorization": f"Bearer {token}"}
    rows = [person(), person(CPF="123")]
    dry = post(client, xlsx_bytes(rows), "planilha.xlsx", headers=auth)
    assert dry.status_code == 202, dry.content
    body = dry.json()
    assert body["status"] == "done" and body["dry_run"] is True
    assert body["counts"] == {"created": 1, "updated": 0, "unchanged": 0, "invalid": 1}
    assert body["first_errors"] == [{"linha": 3, "motivos": ["CPF: CPF deve ter 11 dígitos."]}]
    assert body["mapping"]["CPF"] == "cpf"
    assert dry.headers["Location"] == body["url"]
    assert Cliente.objects.count() == 0

    applied = post(client, xlsx_bytes(rows), "planilha.xlsx", headers=auth, dry_run="false")
    assert applied.status_code == 202
    assert applied.json()["counts"]["created"] == 1
    assert Cliente.objects.filter(cpf=rows[0]["CPF"]).exists()

    detail = client.get(f"{URL}{applied.json()['id']}/", headers=auth)
    assert detail.status_code == 200 and detail.json()["status"] == "done"


def test_errors_csv_lists_row_and_reason_with_formulas_neutralised(api):
    rows = [person(), person(**{"Data de nascimento": "=1+1"}), person(CPF="=cmd")]
    job = post(api, csv_bytes(rows)).json()
    response = api.get(f"{URL}{job['id']}/errors/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == ["linha", "motivo"]
    assert [line[0] for line in lines[1:]] == ["3", "4"]
    assert all(not line[1].startswith(("=", "+", "-", "@")) for line in lines[1:])
    assert "fórmulas" in lines[1][1]


def test_a_reason_starting_like_a_formula_is_quoted_in_the_csv(api, gerente):
    from imports.models import ImportRow

    job = post(api, csv_bytes([person(CPF="1")])).json()
    ImportRow.objects.filter(job_id=job["id"]).update(reasons=["=HYPERLINK(1)"])
    text = b"".join(api.get(f"{URL}{job['id']}/errors/").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_mapping_as_json_and_its_errors(api):
    header = ["Documento", "Nome"]
    row = {"Documento": person()["CPF"], "Nome": "Ana"}
    bad = post(api, csv_bytes([row], header=header), mapping="{nao json")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "mapping"
    missing = post(api, csv_bytes([row], header=header))
    assert missing.status_code == 400
    assert missing.json()["errors"][0] == {
        "code": "mapeamento_invalido",
        "detail": "Nenhuma coluna de CPF: indique qual coluna traz o CPF (a chave da importação).",
        "attr": "mapping",
    }
    good = post(
        api,
        csv_bytes([row], header=header),
        mapping=json.dumps({"Documento": "cpf"}),
        dry_run="false",
    )
    assert good.status_code == 202 and good.json()["counts"]["created"] == 1


def test_a_hostile_file_is_a_400_in_portuguese(api):
    response = post(api, b"\x00\x01\x02binario", "x.csv")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["attr"] == "file" and error["code"] == "codificacao_invalida"
    assert not ImportJob.objects.exists()


def test_a_body_declared_over_the_limit_is_refused_before_it_is_read(api):
    response = api.generic(
        "POST",
        URL,
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["detail"] == "O arquivo passa do limite de 20 MB."
    assert not ImportJob.objects.exists()


def test_an_undeclared_oversized_upload_is_cut_at_the_limit(api, settings):
    settings.IMPORTS_MAX_FILE_MB = 1
    data = csv_bytes([person() for _ in range(9000)])
    assert len(data) > 1024 * 1024
    response = post(api, data)
    assert response.status_code == 413
    assert not ImportJob.objects.exists() and Cliente.objects.count() == 0


def test_idempotency_key_replays_the_first_answer(api):
    data = csv_bytes([person()])
    key = {"Idempotency-Key": "importacao-1"}
    first = post(api, data, headers=key, dry_run="false")
    again = post(api, data, headers=key, dry_run="false")
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    assert ImportJob.objects.count() == 1 and Cliente.objects.count() == 1
    other = post(api, csv_bytes([person()]), headers=key, dry_run="false")
    assert other.status_code == 422


def test_undo_and_its_refusals(api):
    job = post(api, csv_bytes([person()]), dry_run="false").json()
    undo = api.post(f"{URL}{job['id']}/undo/")
    assert undo.status_code == 200 and undo.json()["status"] == "undone"
    assert Cliente.objects.count() == 0
    again = api.post(f"{URL}{job['id']}/undo/")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "import_undone"
    dry = post(api, csv_bytes([person()])).json()
    refused = api.post(f"{URL}{dry['id']}/undo/")
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "import_dry_run"


def test_cancel_a_finished_import_is_a_409(api):
    job = post(api, csv_bytes([person()])).json()
    response = api.post(f"{URL}{job['id']}/cancel/")
    assert response.status_code == 409


@pytest.mark.parametrize("role", ["analista", "encarregado"])
def test_roles_that_may_not_import_get_403(client, request, role):
    client.force_login(request.getfixturevalue(role))
    response = post(client, csv_bytes([person()]))
    assert response.status_code == 403
    assert "permissão para importar" in response.json()["errors"][0]["detail"]


def test_someone_elses_import_is_a_404(api, client, administrador, gerente, django_user_model):
    job = post(api, csv_bytes([person()])).json()
    other = django_user_model.objects.create_user(email="outro@exemplo.com", password="x")
    other.groups.set(gerente.groups.all())
    client.force_login(other)
    for path in ("", "errors/"):
        assert client.get(f"{URL}{job['id']}/{path}").status_code == 404
    for path in ("cancel/", "undo/"):
        assert client.post(f"{URL}{job['id']}/{path}").status_code == 404
    client.force_login(administrador)  # administrators see every import
    assert client.get(f"{URL}{job['id']}/").status_code == 200


def test_anonymous_gets_401(client):
    assert post(client, csv_bytes([person()])).status_code == 401


def test_the_schema_documents_every_operation(api):
    schema = api.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    create = paths["/api/v1/clients/imports/"]["post"]
    assert {"202", "400", "403", "413", "409", "422"} <= set(create["responses"])
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert (
        "text/csv"
        in paths["/api/v1/clients/imports/{id}/errors/"]["get"]["responses"]["200"]["content"]
    )
    for action in ("cancel", "undo"):
        assert "409" in paths[f"/api/v1/clients/imports/{{id}}/{action}/"]["post"]["responses"]
