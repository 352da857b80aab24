"""Relatórios pages: start an export, follow it, download or cancel it."""

import re
from datetime import timedelta

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from reports.columns import COLUMNS, DEFAULT_FIELDS
from reports.models import ExportJob
from reports.tests.conftest import make_clientes
from reports.tests.helpers import run_export

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def clientes(db):
    return make_clientes(30)


def _form(**extra):
    return {
        "exp-format": "csv",
        "exp-csv_dialect": "excel",
        "exp-fields": ["nome_completo", "uf"],
        **extra,
    }


def test_index_lists_my_exports_with_status(analista_client, analista, gerente, clientes):
    mine = run_export(analista, {"uf": "GO"})
    run_export(gerente, {})
    response = analista_client.get("/relatorios/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Minhas exportações" in html and "Nova exportação" in html
    assert html.count("job-row-") == 1
    assert f"/relatorios/exportacoes/{mine.pk}/baixar/" in html
    assert "UF: Goiás" in html and "Concluída" in html


def test_small_export_downloads_the_file(analista_client, clientes):
    response = analista_client.post("/relatorios/exportar/", _form(uf="PE"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="clientes_')
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.splitlines()[0] == "Nome completo;UF"
    assert len(content.splitlines()) == 11


def test_small_export_with_htmx_redirects_to_the_download(analista_client, clientes):
    response = analista_client.post("/relatorios/exportar/", _form(), **HX)
    job = ExportJob.objects.get()
    assert response["HX-Redirect"] == f"/relatorios/exportacoes/{job.pk}/baixar/"


def test_large_export_with_htmx_shows_a_polling_progress_bar(
    analista_client, clientes, export_settings
):
    export_settings(export_sync_row_limit=5)
    response = analista_client.post("/relatorios/exportar/", _form(status="ativo"), **HX)
    html = response.content.decode()
    job = ExportJob.objects.get()
    assert job.status == "pending" and job.filters == {"status": "ativo"}
    # Polled quickly while new (small exports finish in about a second), then every second.
    assert "<progress" in html and 'hx-trigger="every 250ms"' in html
    assert f"/relatorios/exportacoes/{job.pk}/cancelar/" in html
    ExportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - timedelta(seconds=6))
    card = analista_client.get(f"/relatorios/exportacoes/{job.pk}/?partial=status", **HX)
    assert 'hx-trigger="every 1s"' in card.content.decode()


def test_large_export_without_htmx_goes_to_my_exports(analista_client, clientes, export_settings):
    export_settings(export_sync_row_limit=5)
    response = analista_client.post("/relatorios/exportar/", _form(), follow=True)
    assert response.redirect_chain[-1][0] == "/relatorios/"
    assert "Exportação iniciada" in response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_errors_are_shown_in_portuguese(analista_client, clientes, export_settings, htmx):
    export_settings(export_row_limit=10)
    response = analista_client.post("/relatorios/exportar/", _form(), **(HX if htmx else {}))
    assert response.status_code == 400
    assert (
        "A pesquisa encontrou 30 clientes; o limite por exportação é 10."
        in response.content.decode()
    )
    response = analista_client.post("/relatorios/exportar/", _form(**{"exp-fields": []}))
    assert "Escolha pelo menos um campo." in response.content.decode()


def test_finished_row_stops_polling(analista_client, analista, clientes):
    job = run_export(analista, {})
    row = analista_client.get(f"/relatorios/exportacoes/{job.pk}/?partial=row").content.decode()
    assert "hx-trigger" not in row and "Baixar" in row
    pending = ExportJob.objects.create(owner=analista, format="pdf", fields=["cpf"])
    row = analista_client.get(f"/relatorios/exportacoes/{pending.pk}/?partial=row").content.decode()
    assert 'hx-trigger="every 2s"' in row


def test_cancel_from_the_page(analista_client, analista):
    job = ExportJob.objects.create(owner=analista, format="pdf", fields=["cpf"])
    response = analista_client.post(f"/relatorios/exportacoes/{job.pk}/cancelar/?partial=row", **HX)
    assert "Cancelada" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "cancelled"
    response = analista_client.post(f"/relatorios/exportacoes/{job.pk}/cancelar/", follow=True)
    assert "já terminou" in response.content.decode()


def test_expired_download_is_410(analista_client, analista, clientes):
    job = run_export(analista, {})
    ExportJob.objects.filter(pk=job.pk).update(file="")
    response = analista_client.get(f"/relatorios/exportacoes/{job.pk}/baixar/")
    assert response.status_code == 410
    assert "expirou" in response.content.decode()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("owner", 200), ("gerente", 404), ("administrador", 200)],
)
@pytest.mark.parametrize("suffix", ["", "baixar/"])
def test_job_pages_owner_only(
    client, analista, gerente, administrador, clientes, who, expected, suffix
):
    job = run_export(analista, {})
    users = {"owner": analista, "gerente": gerente, "administrador": administrador}
    if who in users:
        client.force_login(users[who])
    response = client.get(f"/relatorios/exportacoes/{job.pk}/{suffix}")
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/relatorios/"), ("post", "/relatorios/exportar/")],
)
def test_anonymous_goes_to_login(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/conta/entrar/" in response["Location"]


def test_user_without_a_role_cannot_export(client, django_user_model):
    nobody = django_user_model.objects.create_user(email="sem.papel@teste.com.br", password="x")
    client.force_login(nobody)
    assert client.post("/relatorios/exportar/", _form()).status_code == 403
    assert client.get("/relatorios/").status_code == 403


def test_export_form_tag_carries_the_search_query(analista):
    request = RequestFactory().get("/clientes/?uf=SP&nome=Jo%C3%A3o&page=2&exp-format=pdf")
    request.user = analista
    html = Template("{% load reports_tags %}{% export_form %}").render(
        Context({"request": request, "csrf_token": "tok"})
    )
    assert '<input type="hidden" name="uf" value="SP" data-search-param>' in html
    assert '<input type="hidden" name="nome" value="João" data-search-param>' in html
    assert 'name="page"' not in html
    # Default fields are ticked, the rest are offered.
    boxes = re.findall(r'<input type="checkbox" name="exp-fields" value="(\w+)"([^>]*)>', html)
    assert [value for value, attrs in boxes if "checked" in attrs] == DEFAULT_FIELDS
    assert [value for value, _attrs in boxes] == list(COLUMNS)


def test_the_search_screens_order_is_the_files_order(analista_client, clientes):
    # Sorted on screen (the "Ordenar por" choice or a column header): the
    # search form and the export form carry that order, and the file keeps it.
    html = analista_client.get("/clientes/?uf=PE&ordering=-nome_completo").content.decode()
    assert re.search(r'<option value="-nome_completo" selected>', html)
    assert '<input type="hidden" name="ordering" value="-nome_completo" data-search-param>' in html
    response = analista_client.post(
        "/relatorios/exportar/", _form(uf="PE", ordering="-nome_completo")
    )
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    names = [line.split(";")[0] for line in content.splitlines()[1:]]
    assert len(names) == 10 and names == sorted(names, reverse=True)
    assert ExportJob.objects.get().ordering == "-nome_completo"


def test_dashboard_card_links_to_reports(analista_client):
    assert 'href="/relatorios/"' in analista_client.get("/").content.decode()


def test_my_exports_page_queries_do_not_grow_with_jobs(
    analista_client, analista, django_assert_max_num_queries
):
    for fmt in ["csv", "pdf", "xlsx"] * 5:
        ExportJob.objects.create(owner=analista, format=fmt, fields=["cpf"], filters={"uf": "SP"})
    with django_assert_max_num_queries(8):
        response = analista_client.get("/relatorios/")
    assert response.content.decode().count('<tr id="job-row-') == 15
