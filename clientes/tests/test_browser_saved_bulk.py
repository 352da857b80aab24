"""End-to-end: a manager saves a search, finds it on the dashboard with its count,
and deactivates every client it finds after confirming the exact number."""

import re

import pytest
from playwright.sync_api import expect

from clientes import services
from clientes.models import Cliente, SavedSearch
from clientes.tests.factories import cliente_data, endereco_data
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cliente(nome, cidade, uf):
    services.cliente_create(
        actor=None,
        data=cliente_data(nome_completo=nome),
        enderecos=[endereco_data(cidade=cidade, uf=uf, cep="74000-000")],
    )


def test_save_a_search_see_it_on_the_dashboard_and_deactivate_its_results(
    page, live_server, gerente
):
    for n in range(3):
        _cliente(f"Goiano Número {n}", "Goiânia", "GO")
    _cliente("Paulista", "Santos", "SP")
    page.goto(f"{live_server.url}/conta/entrar/?next=/clientes/")
    page.get_by_label("E-mail").fill(gerente.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/clientes/")

    # Search by city (typed in the filters panel: the results update in place).
    page.locator(".search-filters summary").click()
    page.locator("#id_cidade").fill("goiania")
    page.locator("#id_status").select_option("ativo")
    expect(page.locator("#results-count")).to_contain_text("3 clientes encontrados")

    # Save it: the form sends the criteria on screen now.
    page.get_by_text("Pesquisas salvas", exact=True).click()
    page.get_by_label("Nome da pesquisa").fill("Clientes de Goiânia")
    page.get_by_role("button", name="Salvar pesquisa").click()
    expect(page.get_by_text("Pesquisa “Clientes de Goiânia” salva.")).to_be_visible()
    assert SavedSearch.objects.get().filters == {"cidade": "goiania", "status": "ativo"}

    # The dashboard shows it pinned, with its live count; one click opens it.
    page.goto(f"{live_server.url}/")
    card = page.locator(".saved-cards .card", has_text="Clientes de Goiânia")
    expect(card).to_contain_text("3 clientes")
    card.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/clientes/\?cidade=goiania&status=ativo&saved=\d+$"))
    expect(page.locator("#results-count")).to_contain_text("3 clientes encontrados")

    # Deactivate everything it finds: review the exact count and a sample, then confirm.
    page.get_by_text("Ações em todos os resultados", exact=True).click()
    page.get_by_label("Ação", exact=True).select_option("deactivate")
    page.get_by_role("textbox", name="Motivo da inativação").fill("Mudaram de estado")
    page.get_by_role("button", name="Revisar").click()
    expect(page.locator("#bulk-count")).to_have_text("3 clientes serão inativados.")
    expect(page.get_by_role("cell", name="Goiano Número 0")).to_be_visible()
    assert Cliente.objects.filter(ativo=True).count() == 4  # nothing changed yet
    page.get_by_role("button", name="Confirmar").click()
    expect(page.locator("#bulk-result")).to_contain_text("3 clientes inativados.")

    assert set(Cliente.objects.filter(ativo=True).values_list("nome_completo", flat=True)) == {
        "Paulista"
    }
    # The dashboard count follows (cache invalidated after the commit).
    page.goto(f"{live_server.url}/")
    expect(page.locator(".saved-cards .card", has_text="Clientes de Goiânia")).to_contain_text(
        "0 clientes"
    )
