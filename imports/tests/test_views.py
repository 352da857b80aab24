"""The import screens: upload → mapping → dry run → apply → undo, and who sees them."""

import re

import pytest

from clientes.models import Cliente
from imports.models import ImportJob, ImportStatus
from imports.tests.conftest import HEADER, csv_bytes, person, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, gerente):
    client.force_login(gerente)
    return client


def _upload(client, data: bytes, name="clientes.csv", on_conflict="skip"):
    return client.post(
        "/clientes/importar/", {"file": upload(data, name), "on_conflict": on_conflict}
    )


def test_the_whole_flow_on_the_web(web):
    header = ["Documento", "Nome", "UF"]
    rows = [{"Documento": person()["CPF"], "Nome": "Ana Souza"}, {"Documento": "1", "Nome": "X"}]
    response = _upload(web, csv_bytes(rows, header=header))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/clientes/importar/{job.pk}/mapeamento/"

    page = web.get(response["Location"]).content.decode()
    assert "Documento" in page and "— ignorar —" in page
    # "Nome" was recognised; "Documento" was not: the user maps it.
    assert re.search(r'name="col_1".*?<option value="nome_completo" selected', page, re.S)
    refused = web.post(response["Location"], {"col_0": "", "col_1": "nome_completo"})
    assert refused.status_code == 400
    assert "Nenhuma coluna de CPF" in refused.content.decode()

    mapped = web.post(response["Location"], {"col_0": "cpf", "col_1": "nome_completo"})
    assert mapped.status_code == 302 and mapped["Location"] == f"/clientes/importar/{job.pk}/"
    result = web.get(mapped["Location"]).content.decode()
    assert "Seriam cadastrados" in result and "Aplicar importação" in result
    assert "CPF deve ter 11 dígitos" in result
    assert Cliente.objects.count() == 0

    applied = web.post(f"/clientes/importar/{job.pk}/aplicar/")
    assert applied.status_code == 302
    new_job = ImportJob.objects.exclude(pk=job.pk).get()
    assert new_job.status == ImportStatus.DONE and not new_job.dry_run
    assert Cliente.objects.get().nome_completo == "Ana Souza"
    page = web.get(applied["Location"]).content.decode()
    assert "Desfazer importação" in page

    history = web.get("/clientes/importar/historico/").content.decode()
    assert "clientes.csv" in history and "Simulação" in history and "Aplicação" in history

    undone = web.post(f"/clientes/importar/{new_job.pk}/desfazer/", follow=True)
    assert "Importação desfeita" in undone.content.decode()
    assert Cliente.objects.count() == 0


def test_a_hostile_upload_shows_the_reason_and_keeps_nothing(web):
    response = _upload(web, b"\x00\x00binario", "x.csv")
    assert response.status_code == 400
    assert "não é um CSV de texto" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_declared_oversized_upload_is_refused_before_it_is_read(web):
    response = web.generic(
        "POST",
        "/clientes/importar/",
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "passa do limite de 20 MB" in response.content.decode()


def test_upload_keeps_csrf_protection(gerente):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(gerente)
    response = _upload(client, csv_bytes([person()]))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_error_report_download(web):
    _upload(web, csv_bytes([person(CPF="=1+2")]))
    job = ImportJob.objects.get()
    mapping = {f"col_{i}": job.mapping[title] for i, title in enumerate(HEADER)}
    web.post(f"/clientes/importar/{job.pk}/mapeamento/", mapping)
    response = web.get(f"/clientes/importar/{job.pk}/erros.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("2;CPF: fórmulas não são aceitas")


def test_the_clientes_area_links_to_import_for_allowed_roles(client, gerente, analista):
    client.force_login(gerente)
    assert "Importar clientes" in client.get("/clientes/").content.decode()
    client.force_login(analista)
    assert "Importar clientes" not in client.get("/clientes/").content.decode()


def test_analista_imports_once_an_administrator_allows_it_in_configuracoes(
    client, analista, administrador
):
    client.force_login(analista)
    assert client.get("/clientes/importar/").status_code == 403
    client.force_login(administrador)
    page = client.get("/conta/configuracoes/").content.decode()
    assert "analistas podem importar clientes" in page.lower()
    data = {
        "export_row_limit": "50000",
        "export_sync_row_limit": "2000",
        "export_retention_days": "7",
        "export_max_pending_per_user": "3",
        "export_disk_limit_mb": "10240",
        "audit_retention_days": "1825",
        "bulk_row_limit": "50000",
        "bulk_sync_row_limit": "2000",
        "import_analista_allowed": "on",
    }
    assert client.post("/conta/configuracoes/", data).status_code == 302
    client.force_login(analista)
    assert client.get("/clientes/importar/").status_code == 200
    assert "Importar clientes" in client.get("/clientes/").content.decode()


def test_a_dry_run_never_tells_who_holds_a_cpf_to_whoever_may_not_see_cpfs(
    client, analista, system_settings
):
    from clientes import services as clientes_services
    from clientes.tests.factories import cliente_data

    existing = clientes_services.cliente_create(actor=None, data=cliente_data())
    system_settings(import_analista_allowed=True)
    client.force_login(analista)
    header = ["CPF", "Nome"]
    _upload(client, csv_bytes([{"CPF": existing.cpf, "Nome": "Outro"}], header=header), "a.csv",
            on_conflict="update")  # fmt: skip
    job = ImportJob.objects.get()
    mapping = {"col_0": "cpf", "col_1": "nome_completo"}
    client.post(f"/clientes/importar/{job.pk}/mapeamento/", mapping)
    page = client.get(f"/clientes/importar/{job.pk}/").content.decode()
    assert "Atualizar" in page  # as the manual form says "CPF já cadastrado"
    assert f"/clientes/{existing.pk}/" not in page
