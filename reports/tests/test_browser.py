"""End-to-end: a large export from the search screen runs in a real worker while
the user navigates away, and the file holds exactly the clients on screen."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from clientes.selectors import cliente_search
from conftest import TEST_PASSWORD
from reports.models import ExportJob
from reports.tests.conftest import make_clientes

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user, next_url):
    page.goto(f"{live_server.url}/conta/entrar/?next={next_url}")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def test_export_from_the_search_screen_survives_navigation_and_downloads(
    page, live_server, analista, export_settings, real_broker, workers
):
    make_clientes(3000)
    expected = cliente_search(user=analista, params={"uf": "GO"}).count()
    export_settings(export_sync_row_limit=100)  # every export here runs in the background
    workers()

    # The page opens with UF=SP; the user then changes the filter on screen
    # (htmx updates the results in place) before exporting.
    _login(page, live_server, analista, "/clientes/?uf=SP")
    page.get_by_text("Filtros", exact=True).click()  # UF shows as a chip; the panel is closed
    page.locator("#search-form").get_by_label("UF").select_option("GO")
    expect(page).to_have_url(re.compile(r"uf=GO"))
    page.get_by_text("Exportar resultados").click()
    export_form = page.locator("[data-export-form] form")
    export_form.get_by_label("Excel (.xlsx)").check()
    export_form.get_by_label("Bairro").check()
    export_form.get_by_role("button", name="Exportar").click()

    status = page.locator("#export-status .job-status")
    expect(status).to_contain_text(f"{expected:,}".replace(",", "."))
    job = ExportJob.objects.get()
    assert job.filters.get("uf") == "GO"  # the filters on screen, not those of the first render

    # Keep working elsewhere, then come back to Minhas exportações.
    page.get_by_role("link", name="Gestão de Clientes").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("navigation", name="Seções").get_by_role("link", name="Relatórios").click()
    row = page.locator("tr", has_text="UF: Goiás")
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
    assert {row[uf] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"GO"}


def test_relatorios_page_exports_with_its_own_filters(
    page, live_server, analista, export_settings, real_broker, workers
):
    make_clientes(600)
    export_settings(export_sync_row_limit=100)
    workers()
    _login(page, live_server, analista, "/relatorios/")
    page.get_by_role("group", name="Filtros da pesquisa").get_by_label("UF").select_option("PE")
    page.get_by_label("CSV", exact=True).check()
    page.get_by_role("button", name="Exportar").click()
    expect(page.locator("#export-status .job-status")).to_contain_text("Concluída", timeout=60_000)
    with page.expect_download() as info:
        page.locator("#export-status").get_by_role("link", name="Baixar arquivo").click()
    text = info.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("CPF;Nome completo")
    assert ExportJob.objects.get().filters["uf"] == "PE"


def test_the_screen_says_to_wait_when_too_many_exports_are_in_flight(
    page, live_server, analista, export_settings
):
    make_clientes(50)
    export_settings(export_sync_row_limit=10)
    for _ in range(3):  # queued, no worker: they stay in flight
        ExportJob.objects.create(owner=analista, format="pdf", fields=["cpf"])
    _login(page, live_server, analista, "/relatorios/")
    page.get_by_label("CSV", exact=True).check()
    page.get_by_role("button", name="Exportar").click()
    expect(page.locator("#export-status")).to_contain_text(
        "Aguarde uma delas terminar e tente de novo."
    )
    assert ExportJob.objects.count() == 3
