"""End-to-end: a large export runs in a real worker while the user navigates away."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from clientes.selectors import cliente_search
from conftest import TEST_PASSWORD
from reports.tests.conftest import make_clientes

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_large_export_survives_navigation_and_downloads(
    page, live_server, analista, export_settings, real_broker, workers
):
    make_clientes(3000)
    # The form's status filter starts at "Ativo", as on the search screen.
    expected = cliente_search(user=analista, params={"uf": "SP", "status": "ativo"}).count()
    export_settings(export_sync_row_limit=100)  # every export here runs in the background
    worker = workers()

    page.goto(f"{live_server.url}/conta/entrar/?next=/relatorios/")
    page.get_by_label("E-mail").fill(analista.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/relatorios/")

    page.get_by_role("group", name="Filtros da pesquisa").get_by_label("UF").select_option("SP")
    page.get_by_label("Excel (.xlsx)").check()
    page.get_by_label("Bairro").check()
    page.get_by_role("button", name="Exportar").click()
    status = page.locator("#export-status .job-status")
    expect(status).to_contain_text(f"{expected:,}".replace(",", "."))
    expect(status.get_by_role("button", name="Cancelar")).to_be_visible()

    # Keep working elsewhere, then come back to Minhas exportações.
    page.get_by_role("link", name="Gestão de Clientes").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name=re.compile("Relatórios")).click()
    row = page.locator("tr", has_text="UF: São Paulo")
    download_link = row.get_by_role("link", name="Baixar")
    expect(download_link).to_be_visible(timeout=60_000)  # the row polls until done
    expect(row).to_contain_text("Concluída")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert re.fullmatch(r"clientes_\d{4}-\d\d-\d\d_\d{4}\.xlsx", download.suggested_filename)
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).worksheets[0]
    assert sheet.max_row == expected + 1
    header = [cell.value for cell in sheet[1]]
    assert "Bairro" in header
    uf = header.index("UF")
    assert {row[uf] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"SP"}
    assert "WorkerLostError" not in worker.log.read_text()
