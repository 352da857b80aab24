"""End-to-end: the analyst's day (issue #21): failures said out loud, navigation,
keyboard, chips, namesakes told apart. Each test fails on the old screens."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from clientes.tests.search_fixtures import make_cliente, make_cpf, search_clients
from config.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analyst_page(page, live_server, analista):
    search_clients()
    log_in(page, live_server, analista, "/clientes/")
    return page


def test_an_age_range_upside_down_shows_the_error_in_place(analyst_page):
    page = analyst_page
    page.locator("#id_q").fill("maria")
    expect(page.locator("#resultados")).to_contain_text("clientes encontrados")
    page.get_by_text("Filtros", exact=True).click()
    page.locator("#id_idade_min").fill("60")
    page.locator("#id_idade_max").fill("50")
    results = page.locator("#resultados")
    expect(results).to_contain_text("A idade máxima deve ser maior ou igual à idade mínima")
    expect(results).not_to_contain_text("clientes encontrados")


def test_offline_search_says_so_and_dims_the_old_results(analyst_page):
    page = analyst_page
    page.locator("#id_q").fill("maria")
    results = page.locator("#resultados")
    expect(results).to_contain_text("Maria Silva")
    page.context.set_offline(True)
    page.locator("#id_q").fill("joao")
    notice = page.locator("#search-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Sem conexão")
    expect(results).to_have_class(re.compile("is-stale"))
    page.context.set_offline(False)
    page.locator("#id_q").fill("joao silva")
    expect(results).to_contain_text("João da Silva Santos")
    expect(notice).to_be_hidden()
    expect(results).not_to_have_class(re.compile("is-stale"))


def test_expired_session_goes_to_login_and_back_to_the_same_search(analyst_page, live_server):
    page = analyst_page
    page.locator("#id_q").fill("maria")
    expect(page.locator("#resultados")).to_contain_text("Maria Silva")
    Session.objects.all().delete()  # the session ends on the server (idle, absolute limit)
    page.locator("#id_q").fill("maria silva")
    page.wait_for_url(re.compile(r"/conta/entrar/"))
    expect(page.get_by_text("Sua sessão expirou")).to_be_visible()
    from conftest import TEST_PASSWORD

    page.get_by_label("E-mail").fill("analista@teste.com.br")
    page.get_by_label("Senha").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(re.compile(r"/clientes/\?q=maria$"))
    expect(page.locator("#resultados")).to_contain_text("Maria Silva")


def test_navigation_marks_the_section_and_folds_on_phones(analyst_page):
    page = analyst_page
    nav = page.get_by_role("navigation", name="Seções")
    expect(nav.get_by_role("link", name="Clientes")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Relatórios")).to_be_visible()
    expect(nav.get_by_role("link", name="Usuários")).to_have_count(0)  # not an analyst's
    expect(nav.get_by_role("link", name="Métricas")).to_have_count(0)
    expect(nav.get_by_role("link", name="Duplicados")).to_have_count(0)
    nav.get_by_role("link", name="Relatórios").click()
    expect(nav.get_by_role("link", name="Relatórios")).to_have_attribute("aria-current", "page")
    page.locator(".user-menu summary").click()  # Minhas exportações from any page's header
    expect(page.get_by_role("link", name="Minhas exportações")).to_be_visible()

    page.set_viewport_size({"width": 375, "height": 700})
    expect(nav).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    expect(nav).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_managers_see_their_sections(page, live_server, gerente):
    log_in(page, live_server, gerente)
    nav = page.get_by_role("navigation", name="Seções")
    expect(nav.get_by_role("link", name="Métricas")).to_be_visible()
    expect(nav.get_by_role("link", name="Auditoria")).to_have_count(0)
    nav.get_by_role("link", name="Duplicados").click()
    expect(nav.get_by_role("link", name="Duplicados")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Clientes")).not_to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Importações").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Importa")


def test_header_search_and_slash_shortcut_from_any_page(analyst_page, live_server):
    page = analyst_page
    page.goto(f"{live_server.url}/relatorios/")
    page.keyboard.press("/")
    box = page.get_by_role("searchbox", name="Pesquisar clientes")
    expect(box).to_be_focused()
    page.keyboard.type("maria conc")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clientes/\?q=maria"))
    expect(page.locator("#resultados")).to_contain_text("Maria Conceição")
    page.locator("body").click()
    page.keyboard.press("/")
    expect(page.locator("#id_q")).to_be_focused()  # the page's own box on the search screen


def test_first_result_is_two_keys_away_and_arrows_move(analyst_page):
    page = analyst_page
    page.locator("#id_q").fill("maria")
    expect(page.locator("#resultados td.nome a")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    first = page.locator("#resultados td.nome a").nth(0)
    expect(first).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#resultados td.nome a").nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_q")).to_be_focused()
    page.keyboard.press("Tab")  # "Pular para os resultados"
    skip = page.get_by_role("link", name="Pular para os resultados")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/clientes/\d+/"))


def test_focus_is_strongly_visible_and_sortable_headers_announce_it(analyst_page):
    page = analyst_page
    page.locator("#id_q").fill("maria")
    expect(page.locator("#resultados td.nome a")).to_have_count(2)
    headers = page.locator(".results-table th[aria-sort]")
    assert headers.count() >= 4  # every sortable column, sorted or not
    assert set(headers.evaluate_all("hs => hs.map(h => h.getAttribute('aria-sort'))")) <= {
        "none",
        "ascending",
        "descending",
    }
    page.keyboard.press("ArrowDown")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2


def test_filters_show_as_chips_and_a_category_keeps_the_panel_closed(analyst_page):
    page = analyst_page
    page.locator("#id_q").fill("maria")
    page.locator('.facets a[data-facet="uf"][data-value="GO"]').click()
    expect(page).to_have_url(re.compile(r"uf=GO"))
    expect(page.locator(".search-filters")).not_to_have_attribute("open", "")
    chips = page.get_by_role("list", name="Filtros ativos")
    expect(chips).to_contain_text("UF: Goiás")
    page.get_by_role("link", name=re.compile(r"^Idade")).click()
    expect(page).to_have_url(re.compile(r"ordering=idade"))
    expect(page.locator(".search-filters")).not_to_have_attribute("open", "")
    chips.get_by_role("link", name="Remover filtro UF: Goiás").click()
    expect(page).not_to_have_url(re.compile(r"uf=GO"))
    expect(page.locator("#resultados")).to_contain_text("Maria Silva")
    expect(page.locator("#id_uf")).to_have_value("")


def test_back_to_results_returns_to_the_exact_search(analyst_page):
    page = analyst_page
    page.locator("#id_q").fill("maria")
    page.get_by_role("link", name=re.compile(r"^Idade")).click()
    expect(page).to_have_url(re.compile(r"q=maria&ordering=idade"))
    page.locator("#resultados td.nome a").first.click()
    page.wait_for_url(re.compile(r"/clientes/\d+/"))
    page.get_by_role("link", name="Voltar aos resultados").click()
    expect(page).to_have_url(re.compile(r"/clientes/\?q=maria&ordering=idade$"))
    expect(page.locator("#resultados td.nome a").first).to_have_text("Maria Conceição")


def test_namesakes_show_what_tells_them_apart(page, live_server, analista):
    make_cliente(make_cpf("400000001"), "Maria Souza", 40, nome_mae="Joana Lima",
                 telefone="11911112222")  # fmt: skip
    make_cliente(make_cpf("400000002"), "Maria Souza", 40, nome_mae="Rita Alves",
                 telefone="11933334444")  # fmt: skip
    log_in(page, live_server, analista, "/clientes/")
    page.locator("#id_q").fill("maria souza")
    rows = page.locator("#resultados td.nome")
    expect(rows).to_have_count(2)
    text = " ".join(rows.all_inner_texts())
    assert "Mãe: Joana" in text and "Mãe: Rita" in text
    assert "tel. final 2222" in text and "tel. final 4444" in text
    assert "Lima" not in text  # the mother's first name only
    page.set_viewport_size({"width": 375, "height": 700})
    expect(rows.first.locator(".row-details")).to_be_visible()


def test_uf_category_count_matches_its_results_and_other_addresses_are_shown(
    page, live_server, analista
):
    make_cliente(make_cpf("500000001"), "Maria Reis", 30, "Belo Horizonte", "MG")
    make_cliente(make_cpf("500000002"), "Maria Reis", 31, "Manaus", "AM",
                 outro_endereco=("Uberaba", "MG"))  # fmt: skip
    log_in(page, live_server, analista, "/clientes/")
    page.locator("#id_q").fill("maria reis")
    mg = page.locator('.facets a[data-facet="uf"][data-value="MG"]')
    count = mg.locator("xpath=..").locator(".facet-count")
    expect(count).to_have_text("1")
    mg.click()
    results = page.locator("#resultados")
    expect(results).to_contain_text("1 cliente encontrado")
    expect(results).not_to_contain_text("Manaus")
    expect(page.get_by_role("list", name="Filtros ativos")).to_contain_text(
        "Endereço: Só o endereço principal"
    )
    # Any address (the filter panel's default): the other client shows why it is there.
    page.get_by_text("Filtros", exact=True).click()
    page.locator("#id_endereco").select_option("")
    expect(results).to_contain_text("2 clientes encontrados")
    expect(results.locator("tr", has_text="Manaus")).to_contain_text("outro endereço em MG")
