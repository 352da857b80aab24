"""End-to-end: a manager imports a small XLSX, reviews the dry run, then applies it."""

import pytest
from playwright.sync_api import expect

from clientes.models import Cliente
from conftest import TEST_PASSWORD
from imports.tests.conftest import person, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_a_small_xlsx_dry_run_then_apply(page, live_server, gerente, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    rows = [
        person(**{"Nome completo": "Beatriz Nogueira"}),
        person(**{"Nome completo": "Carlos Pereira"}),
        person(**{"Nome completo": "Linha Ruim", "Data de nascimento": "31/02/1990"}),
    ]
    spreadsheet = tmp_path / "clientes.xlsx"
    spreadsheet.write_bytes(xlsx_bytes(rows))

    page.goto(f"{live_server.url}/conta/entrar/?next=/clientes/")
    page.get_by_label("E-mail").fill(gerente.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/clientes/")

    page.get_by_role("link", name="Importar clientes").click()
    page.get_by_label("Planilha (CSV ou XLSX)").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Enviar").click()

    # The pt-BR headers were recognised: the mapping comes filled in.
    expect(page.get_by_label("CPF", exact=True)).to_have_value("cpf")
    expect(page.get_by_label("Data de nascimento")).to_have_value("data_nascimento")
    page.get_by_role("button", name="Simular importação").click()

    counts = page.locator("#import-counts")
    expect(counts.locator("[data-count=created]")).to_have_text("2")
    expect(counts.locator("[data-count=invalid]")).to_have_text("1")
    expect(page.get_by_text("Data de nascimento: data impossível: 31/02/1990.")).to_be_visible()
    assert Cliente.objects.count() == 0  # a dry run writes nothing

    page.get_by_role("button", name="Aplicar importação").click()
    expect(page.locator("#import-counts").get_by_text("Cadastrados", exact=True)).to_be_visible()
    expect(page.locator("[data-count=created]")).to_have_text("2")
    expect(page.get_by_role("button", name="Desfazer importação")).to_be_visible()
    assert set(Cliente.objects.values_list("nome_completo", flat=True)) == {
        "Beatriz Nogueira",
        "Carlos Pereira",
    }
