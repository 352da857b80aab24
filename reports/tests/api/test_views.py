"""The export API: request, follow, download, cancel; owner-only; pt-BR errors."""

import csv
import io

import pytest
from django.urls import reverse

from reports.models import ExportJob
from reports.tests.conftest import make_clientes
from reports.tests.helpers import run_export

EXPORT_URL = "/api/v1/clients/export"


@pytest.fixture
def clientes(db):
    return make_clientes(30)


@pytest.fixture
def api(client, analista):
    client.force_login(analista)
    return client


def _errors(response) -> list[tuple[str | None, str, str]]:
    """Return (attr, code, detail) of each error in the API's standardized format."""
    return [(e["attr"], e["code"], e["detail"]) for e in response.json()["errors"]]


def _post(api, fmt, body):
    return api.post(f"{EXPORT_URL}?format={fmt}", body, content_type="application/json")


def test_small_export_answers_with_the_file(api, clientes):
    response = _post(api, "csv", {"uf": "GO", "fields": ["nome_completo", "uf"]})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="clientes_')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert rows[0] == ["Nome completo", "UF"]
    assert {row[1] for row in rows[1:]} == {"GO"} and len(rows) == 11


@pytest.mark.parametrize(("fmt", "content_type"), [("excel", "spreadsheetml"), ("pdf", "pdf")])
def test_formats_by_name(api, clientes, fmt, content_type):
    response = _post(api, fmt, {"idade_min": 30})
    assert response.status_code == 200
    assert content_type in response["Content-Type"]


def test_large_export_answers_202_with_the_job(
    api, clientes, export_settings, django_capture_on_commit_callbacks
):
    export_settings(export_sync_row_limit=5)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(api, "excel", {"status": "ativo", "ordering": "-nome_completo"})
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert response["Location"] == f"/api/v1/exports/{job.pk}/"
    assert response.json()["status"] == "pending"
    assert job.filters == {"status": "ativo", "ordering": "-nome_completo"}

    detail = api.get(f"/api/v1/exports/{job.pk}/").json()
    assert detail["status"] == "done" and detail["progress"] == 100  # ran eagerly on commit
    assert detail["download_url"].endswith(f"/api/v1/exports/{job.pk}/download/")
    download = api.get(detail["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].endswith('.xlsx"')


@pytest.mark.parametrize(
    ("fmt", "body", "message"),
    [
        ("docx", {}, "Informe format=excel, pdf ou csv."),
        ("csv", {"uf": "XX"}, "XX"),
        ("csv", {"idade_min": "muitos"}, "Informe um número."),
        ("csv", {"fields": ["cpf", "senha"]}, "Campos desconhecidos: senha"),
        ("csv", ["uf"], "O corpo deve ser um objeto JSON de filtros."),
        ("csv", {"uf": {"$ne": "SP"}}, "Informe um único valor (texto ou número)."),
        ("csv", {"ordering": ["cpf"]}, "Informe a ordenação como texto."),
        ("csv", {"ordering": "senha"}, "senha"),
    ],
)
def test_bad_requests_get_400_in_portuguese(api, clientes, fmt, body, message):
    response = _post(api, fmt, body)
    assert response.status_code == 400
    assert message in " ".join(detail for _attr, _code, detail in _errors(response))
    assert not ExportJob.objects.exists()


def test_above_the_limit_says_how_many(api, clientes, export_settings):
    export_settings(export_row_limit=20)
    response = _post(api, "pdf", {})
    assert response.status_code == 400
    assert _errors(response) == [
        (
            None,
            "export_limit",
            "A pesquisa encontrou 30 clientes; o limite por exportação é 20. "
            "Refine os filtros e tente de novo.",
        )
    ]


def test_anonymous_and_roleless_users_cannot_export(client, clientes, django_user_model):
    assert _post(client, "csv", {}).status_code == 401
    nobody = django_user_model.objects.create_user(email="sem.papel@teste.com.br", password="x")
    client.force_login(nobody)
    assert _post(client, "csv", {}).status_code == 403


def test_jobs_are_visible_to_their_owner_and_administrators_only(
    client, analista, gerente, administrador, clientes
):
    job = run_export(analista, {"uf": "SP"})
    urls = [
        f"/api/v1/exports/{job.pk}/",
        f"/api/v1/exports/{job.pk}/download/",
    ]
    client.force_login(gerente)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(f"/api/v1/exports/{job.pk}/cancel/").status_code == 404
    assert client.get("/api/v1/exports/").json() == []
    client.force_login(administrador)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    client.force_login(analista)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    assert [j["id"] for j in client.get("/api/v1/exports/").json()] == [str(job.pk)]


def test_download_before_ready_or_after_expiry(api, analista, clientes):
    pending = ExportJob.objects.create(owner=analista, format="csv", fields=["cpf"])
    response = api.get(f"/api/v1/exports/{pending.pk}/download/")
    assert response.status_code == 409
    assert _errors(response) == [(None, "not_ready", "O arquivo ainda não está pronto.")]
    expired = run_export(analista, {})
    ExportJob.objects.filter(pk=expired.pk).update(file="")
    assert api.get(f"/api/v1/exports/{expired.pk}/download/").status_code == 410


def test_cancel(api, analista):
    job = ExportJob.objects.create(owner=analista, format="pdf", fields=["cpf"])
    response = api.post(f"/api/v1/exports/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = api.post(f"/api/v1/exports/{job.pk}/cancel/")
    assert again.status_code == 409
    [(_attr, code, detail)] = _errors(again)
    assert code == "finished" and "já terminou" in detail


def test_the_endpoint_is_in_the_api_schema(api):
    schema = api.get(reverse("api-schema")).content.decode()
    assert "/api/v1/clients/export" in schema and "/api/v1/exports/{id}/cancel/" in schema
