"""End-to-end: exports and Relatórios as the analyst sees them (issue #21)."""

import re

import pytest
from playwright.sync_api import expect

from config.tests.browser import log_in
from reports.tests.conftest import make_clientes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_background_export_keeps_the_search_screen(
    page, live_server, analista, export_settings, real_broker, workers
):
    make_clientes(300)
    export_settings(export_sync_row_limit=10)  # over the limit: a background job
    log_in(page, live_server, analista, "/clientes/?uf=GO")
    page.get_by_text("Exportar resultados").click()
    page.locator("[data-export-form] form").get_by_label("CSV", exact=True).check()
    # No worker yet: the job waits in the queue and its card polls.
    with page.expect_response(re.compile(r"partial=status")):
        page.locator("[data-export-form] form").get_by_role("button", name="Exportar").click()
    with page.expect_response(re.compile(r"partial=status")):
        pass  # a second poll has been swapped in too
    expect(page.get_by_role("heading", name="Pesquisar clientes")).to_be_visible()
    expect(page.locator("#search-form")).to_be_visible()
    expect(page.locator("#resultados")).to_contain_text("clientes encontrados")
    card = page.locator("[data-export-form] #export-status .job-status")
    expect(card).to_be_visible()

    workers()
    expect(card).to_contain_text("Arquivo pronto", timeout=60_000)
    expect(card.get_by_role("link", name="Minhas exportações")).to_be_visible()
    expect(page.locator("#resultados")).to_contain_text("clientes encontrados")


def test_relatorios_filters_match_the_search_screen_and_list_a_new_export(
    page, live_server, analista, export_settings, real_broker
):
    make_clientes(50)
    export_settings(export_sync_row_limit=10)
    log_in(page, live_server, analista, "/relatorios/")
    filters = page.get_by_role("group", name="Filtros da pesquisa")
    expect(filters.get_by_label("Status")).to_have_value("todos")
    assert "---------" not in filters.inner_text()
    expect(filters.get_by_label("UF")).to_contain_text("Todas")
    jobs = page.locator("#jobs-list")
    expect(jobs).to_contain_text("Você ainda não fez nenhuma exportação")
    page.get_by_label("CSV", exact=True).check()
    page.get_by_role("button", name="Exportar").click()
    expect(page.locator("#export-status .job-status")).to_be_visible()
    expect(jobs).not_to_contain_text("Você ainda não fez nenhuma exportação")
    expect(jobs.locator("tbody tr")).to_have_count(1)


def test_the_analyst_home_promises_only_what_opens(page, live_server, analista):
    log_in(page, live_server, analista)
    cards = page.locator(".cards")
    expect(cards).not_to_contain_text("métricas")
    expect(cards.get_by_role("link", name=re.compile("^Métricas"))).to_have_count(0)
    for link in cards.get_by_role("link").all():
        response = page.request.get(live_server.url + link.get_attribute("href"))
        assert response.status == 200, link.get_attribute("href")


def test_the_dashboard_shows_recent_clients_and_exports_in_progress(
    page, live_server, analista, export_settings, real_broker
):
    from clientes.tests.search_fixtures import search_clients

    clientes = search_clients()
    make_clientes(30)
    export_settings(export_sync_row_limit=10)
    log_in(page, live_server, analista)
    page.goto(f"{live_server.url}/clientes/{clientes['conceicao'].pk}/")
    page.goto(f"{live_server.url}/relatorios/")
    page.get_by_label("CSV", exact=True).check()
    page.get_by_role("button", name="Exportar").click()
    expect(page.locator("#export-status .job-status")).to_be_visible()
    page.goto(f"{live_server.url}/")
    recent = page.get_by_role("region", name="Abertos recentemente")
    expect(recent.get_by_role("link", name="Maria Conceição")).to_be_visible()
    expect(page.get_by_role("region", name="Minhas exportações em andamento")).to_contain_text(
        "CSV"
    )
    expect(page.get_by_role("region", name="Hoje na equipe")).to_have_count(0)  # managers'


def test_managers_see_todays_activity(page, live_server, gerente):
    log_in(page, live_server, gerente)
    today = page.get_by_role("region", name="Hoje na equipe")
    expect(today).to_contain_text("Pesquisas")
    expect(today).to_contain_text("Exportações solicitadas")
