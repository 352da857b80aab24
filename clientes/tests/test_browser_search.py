"""End-to-end: an analyst searches in a real Chromium (HTMX, history, masks, categories)."""

import re

import pytest
from playwright.sync_api import expect

from clientes.tests.search_fixtures import born, make_cliente, make_cpf, search_clients
from conftest import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user):
    search_clients()
    page.goto(f"{live_server.url}/conta/entrar/?next=/clientes/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/clientes/")
    return page


@pytest.fixture
def logged_in(page, live_server, analista):
    return _log_in(page, live_server, analista)


@pytest.fixture
def gerente_logged_in(page, live_server, gerente):
    """A manager: sees full CPFs on profiles and may search CPF prefixes."""
    return _log_in(page, live_server, gerente)


def test_typing_updates_results_and_url_and_back_restores(logged_in):
    page = logged_in
    box = page.locator("#id_q")
    expect(box).to_be_focused()

    box.fill("joao silv")
    results = page.locator("#resultados")
    expect(results).to_contain_text("João da Silva Santos")
    expect(page).to_have_url(re.compile(r"/clientes/\?q=joao(\+|%20)silv$"))

    box.fill("maria conc")
    expect(results).to_contain_text("Maria Conceição")
    expect(results).not_to_contain_text("João da Silva Santos")
    expect(page).to_have_url(re.compile(r"q=maria(\+|%20)conc$"))
    expect(results).to_contain_text("***.444.777-**")  # analysts see masked CPFs

    page.go_back()
    expect(page).to_have_url(re.compile(r"q=joao(\+|%20)silv$"))
    expect(page.locator("#resultados")).to_contain_text("João da Silva Santos")
    expect(page.locator("#id_q")).to_have_value("joao silv")


def test_category_click_narrows_the_search(logged_in):
    page = logged_in
    page.locator("#id_q").fill("maria")
    results = page.locator("#resultados")
    expect(results).to_contain_text("Maria Silva")
    expect(results).to_contain_text("Maria Conceição")

    page.locator('.facets a[data-facet="uf"][data-value="GO"]').click()
    expect(page).to_have_url(re.compile(r"q=maria&uf=GO"))
    expect(page.locator("#resultados")).not_to_contain_text("Maria Silva")
    expect(page.locator("#resultados")).to_contain_text("Maria Conceição")
    expect(page.locator("#id_uf")).to_have_value("GO")  # the form shows the narrowing


def test_analyst_typing_part_of_a_cpf_is_asked_for_the_whole_cpf(logged_in):
    page = logged_in
    page.locator("#id_q").fill("111.444")
    expect(page.locator("#resultados")).to_contain_text("Informe o CPF completo")
    expect(page.locator("#resultados")).not_to_contain_text("Maria Conceição")


def test_cpf_filter_is_masked_as_typed_and_enter_submits(gerente_logged_in):
    page = gerente_logged_in
    page.get_by_text("Filtros", exact=True).click()
    cpf = page.locator("#id_cpf")
    cpf.press_sequentially("111444777")
    expect(cpf).to_have_value("111.444.777")
    cpf.press("Enter")
    expect(page.locator("#resultados")).to_contain_text("Maria Conceição")
    expect(page).to_have_url(re.compile(r"cpf=111\.444\.777$"))


def test_results_are_a_readable_list_on_a_phone(logged_in):
    page = logged_in
    page.set_viewport_size({"width": 375, "height": 700})
    page.locator("#id_q").fill("maria")
    expect(page.locator("#resultados")).to_contain_text("Maria Silva")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_full_masked_cpf_goes_straight_to_the_profile(logged_in, live_server):
    page = logged_in
    page.locator("#id_q").fill("529.982.247-25")
    expect(page).to_have_url(re.compile(r"/clientes/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("João da Silva Santos")


def test_namesakes_suggest_a_birth_date_one_click_away(page, live_server, analista):
    for n in range(51):
        make_cliente(make_cpf(f"{400000000 + n}"), "Maria Teixeira", 31 + n)
    make_cliente(make_cpf("400000099"), "Maria Teixeira", 30)
    make_cliente(make_cpf("400000098"), "Maria Teixeyra", 30)
    page.goto(f"{live_server.url}/conta/entrar/?next=/clientes/")
    page.get_by_label("E-mail").fill(analista.email)
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{live_server.url}/clientes/")

    page.locator("#id_q").fill("maria teixeira")
    results = page.locator("#resultados")
    expect(results).to_contain_text("53 clientes encontrados")
    expect(results).to_contain_text("Inclui 1 cliente com grafia semelhante")
    hint = page.locator("#narrow-hint")
    expect(hint).to_contain_text("52 clientes combinam igualmente bem")
    filters = page.locator(".search-filters")
    expect(filters).not_to_have_attribute("open", "")

    hint.get_by_role("link", name="Data de nascimento").click()
    field = page.locator("#id_data_nascimento")
    expect(field).to_be_focused()
    expect(filters).to_have_attribute("open", "")
    field.fill(born(30).strftime("%d/%m/%Y"))
    expect(results).to_contain_text("2 clientes encontrados")
    expect(page).to_have_url(re.compile(r"data_nascimento="))
    # The exact spelling first, the spelling alike after it and marked.
    names = results.locator("td.nome")
    expect(names.nth(0).get_by_role("link")).to_have_text("Maria Teixeira")
    expect(names.nth(1)).to_contain_text("Maria Teixeyra grafia semelhante")
